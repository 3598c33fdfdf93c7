import * as vscode from 'vscode';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { PhoenixDeployApi } from '../../src/extension';
import type { ServerNode } from '../../src/vscode/serverNodes';
import type { HostReleases } from '../../src/core/deploy';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOX_KEY, SANDBOX_KNOWN_HOSTS } from '../support/paths';

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

  it('shows a host behind a bastion as "via" it, loaded through the chain (ssh -G with phoenixDeploy.sshPath)', async () => {
    const [env] = await api.servers.getChildren();
    if (env.kind !== 'environment') throw new Error('no environment');
    const sandbox = env.env.hosts[0]; // 127.0.0.1:2210: it serves as its own bastion, the host behind it is its 127.0.0.1:22
    const dir = mkdtempSync(join(tmpdir(), 'pd12-ext-'));
    try {
      const known = readFileSync(SANDBOX_KNOWN_HOSTS, 'utf8').split('\n').find((l) => l.startsWith(`[127.0.0.1]:${sandbox.port} `))!;
      writeFileSync(join(dir, 'known_hosts'), `${known}\n127.0.0.1 ${known.split(' ').slice(1).join(' ')}\n`);
      writeFileSync(join(dir, 'ssh_config'), `Host ext-bastion\n  HostName 127.0.0.1\n  Port ${sandbox.port}\n  User deploy\n` +
        `Host ext-jumped\n  HostName 127.0.0.1\n  ProxyJump ext-bastion\nHost *\n  IdentityFile ${SANDBOX_KEY}\n  UserKnownHostsFile ${dir}/known_hosts\n`);
      const jumped = { ...env.env, name: 'jumped', hosts: [{ host: 'ext-jumped', primary: true }], ssh: { configFile: join(dir, 'ssh_config') } };
      const [host] = await api.servers.getChildren({ kind: 'environment', env: jumped });
      assert.ok(host.kind === 'host', JSON.stringify(host));
      assert.equal(host.via, 'ext-bastion');
      assert.equal(host.state?.ok, true, host.state?.error);
      assert.ok((host.state?.releases.length ?? 0) >= 1);
      assert.match(String(api.servers.getTreeItem(host).description), /Debian GNU\/Linux 12.* · via ext-bastion$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
