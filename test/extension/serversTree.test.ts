import * as vscode from 'vscode';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { PhoenixDeployApi } from '../../src/extension';
import type { ServerNode } from '../../src/vscode/serverNodes';
import type { HostReleases } from '../../src/core/deploy';

function cliReleases(dir: string): HostReleases[] {
  const out = execFileSync(process.execPath, [process.env.PHOENIX_TEST_CLI!, 'releases', '--json', '--cwd', dir], { encoding: 'utf8' });
  return (JSON.parse(out) as { hosts: HostReleases[] }).hosts;
}

describe('Servers tree against a real sandbox host', () => {
  let api: PhoenixDeployApi;

  before(async () => {
    const ext = vscode.extensions.getExtension<PhoenixDeployApi>('phoenix-deploy.phoenix-deploy')!;
    api = await ext.activate();
  });

  it('shows environment → host → releases exactly as `releases --json` reports them', async () => {
    const dir = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const expected = cliReleases(dir);
    await api.servers.refresh();
    const envs = await api.servers.getChildren();
    assert.deepEqual(envs.map((e) => e.kind === 'environment' && e.env.name), ['production', 'bluegreen']);
    const hosts = await api.servers.getChildren(envs[0]);
    assert.deepEqual(hosts.map((h) => h.kind === 'host' && h.key), expected.map((h) => h.host));
    for (const [i, host] of hosts.entries()) {
      const children = await api.servers.getChildren(host);
      const releases = children.filter((c): c is Extract<ServerNode, { kind: 'release' }> => c.kind === 'release');
      const want = [...expected[i].releases].sort((a, b) => b.id.localeCompare(a.id));
      assert.ok(want.length >= 1, 'the sandbox host has a deployed release');
      assert.deepEqual(releases.map((r) => [r.release.id, r.release.current]), want.map((r) => [r.id, r.current]));
      const item = api.servers.getTreeItem(releases.find((r) => r.release.current)!);
      assert.equal(item.contextValue, 'release:current');
      // Below the releases: the live history, as `releases --json` reports it.
      const history = children.find((c): c is Extract<ServerNode, { kind: 'history' }> => c.kind === 'history');
      assert.ok(history, 'a history node');
      assert.deepEqual(history.entries.map((e) => [e.id, e.by]), expected[i].history.map((e) => [e.id, e.by]));
      const live = await api.servers.getChildren(history);
      assert.equal(live.length, expected[i].history.length);
      const hostItem = api.servers.getTreeItem(host);
      assert.equal(hostItem.contextValue, 'host');
      assert.match(String(hostItem.description), /Debian GNU\/Linux 12/);
    }
  });

  it('refresh is debounced: a burst costs one load', async () => {
    let loads = 0;
    // Counted for one environment: the visible tree may load the others itself.
    const sub = api.servers.onDidLoad((e) => { if (e.env === 'production') loads++; });
    await Promise.all([api.servers.refresh(), api.servers.refresh(), api.servers.refresh()]);
    const [env] = await api.servers.getChildren();
    await api.servers.getChildren(env);
    await api.servers.getChildren(env);
    sub.dispose();
    assert.equal(loads, 1);
  });
});
