import * as vscode from 'vscode';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { PhoenixDeployApi } from '../../src/extension';
import type { ServerNode } from '../../src/vscode/serverNodes';
import type { HostReleases } from '../../src/core/deploy';
import type { SetupResult } from '../../src/core/setup';
import { bluegreenHostNode } from './bluegreenHost';

/** The `bluegreen` environment: a real systemd + nginx host, set up and deployed once by the harness. */
function cliReleases(dir: string): HostReleases[] {
  const out = execFileSync(process.execPath, [process.env.PHOENIX_TEST_CLI!, 'releases', '--env', 'bluegreen', '--json', '--cwd', dir], { encoding: 'utf8' });
  return (JSON.parse(out) as { hosts: HostReleases[] }).hosts;
}

describe('blue/green hosts in the editor (a real systemd + nginx host)', () => {
  let api: PhoenixDeployApi;
  const dir = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

  before(async () => {
    api = await vscode.extensions.getExtension<PhoenixDeployApi>('phoenix-deploy.phoenix-deploy')!.activate();
  });

  const hostNode = () => bluegreenHostNode(api);

  it('the Servers view shows which slot is live, on which port, and the release each slot holds', async () => {
    const [expected] = cliReleases(dir());
    const live = expected.slots!.find((s) => s.live)!;
    assert.ok(live.release, 'the deployed release is in the live slot');
    const host = await hostNode();
    assert.match(String(api.servers.getTreeItem(host).description), new RegExp(`live: ${live.name} :${live.port}`));
    const slots = (await api.servers.getChildren(host)).filter((n): n is Extract<ServerNode, { kind: 'slot' }> => n.kind === 'slot');
    assert.deepEqual(slots.map((s) => [s.slot.name, s.slot.port, s.slot.release, s.slot.live]), expected.slots!.map((s) => [s.name, s.port, s.release, s.live]));
    const item = api.servers.getTreeItem(slots.find((s) => s.slot.live)!);
    assert.equal(item.label, `${live.name} :${live.port}`);
    assert.equal(item.contextValue, 'slot:live');
    assert.match(String(item.description), /^live · 0\.1\.0 [0-9a-f]{7} · active$/);
  });

  it('"Set Up Servers…" on a host that is set up changes nothing and asks nothing', async () => {
    const env = (await api.servers.getChildren()).find((e) => e.kind === 'environment' && e.env.name === 'bluegreen');
    const result = await vscode.commands.executeCommand<SetupResult>('phoenixDeploy.setupServers', env, 'admin');
    assert.ok(result?.ok, result?.error);
    assert.equal(result.changed, false);
    assert.ok(result.hosts.every((h) => h.unchanged));
  });
});
