/**
 * Hosts from an Ansible inventory, read by the real `ansible-inventory --list` (Debian's
 * ansible-core, installed by scripts/testbed/install-packages.sh): INI and YAML inventories, groups
 * of groups, [group:vars]; and every way it can go wrong, as config-invalid at the right line.
 *   npx tsc -p . && node out/test/support/runLayer.js integration inventory
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigFile } from '../../src/core/project/loadConfig';
import { REPO_ROOT } from '../support/paths';

const CLI = join(REPO_ROOT, 'out', 'src', 'cli.js');
const WORK = mkdtempSync(join(tmpdir(), 'pd14-inventory-'));
after(() => rmSync(WORK, { recursive: true, force: true }));

const INI = `# two web hosts on their own ports, a user for the group, and a database the deploy must not touch
[web]
web1 ansible_host=127.0.0.1 ansible_port=2511
web2 ansible_host=127.0.0.1 ansible_port=2512 phoenix_primary=true

[web:vars]
ansible_user=app

[db]
db1 ansible_host=127.0.0.1 ansible_port=2519

[fleet:children]
web
db
`;

const YAML = `all:
  children:
    web:
      hosts:
        w1: { ansible_host: 10.1.0.1, ansible_port: 2222 }
        w2: { ansible_host: 10.1.0.2 }
      vars: { ansible_user: deployer }
    workers:
      hosts:
        q1: { ansible_host: 10.1.0.9, phoenix_primary: true }
    fleet:
      children: { web: {}, workers: {} }
`;

let n = 0;
/** A project whose production environment reads `group` from `inventory` (written next to it when given). */
function project(group: string, inventory = 'deploy/inventory.ini', text?: string): string {
  const dir = join(WORK, `p${n++}`);
  mkdirSync(join(dir, 'config'), { recursive: true });
  if (text !== undefined) {
    mkdirSync(join(dir, 'deploy'), { recursive: true });
    writeFileSync(join(dir, inventory), text);
  }
  writeFileSync(join(dir, 'config', 'deploy.yml'), `environments:
  production:
    user: deploy
    deploy_to: /opt/app
    hosts:
      inventory: ${inventory}
      group: ${group}
    restart: sudo sv restart app
`);
  return dir;
}

const hostsOf = async (dir: string) => (await loadConfigFile(dir)).config?.environments.production.hosts;
const findings = async (dir: string) => (await loadConfigFile(dir)).findings.map((f) => [f.line, f.column, f.code, f.message]);

describe('hosts from an Ansible inventory (the real ansible-inventory)', function () {
  this.timeout(120_000);

  it('INI: a group\'s hosts with ansible_port per host and ansible_user from [web:vars]; other groups untouched', async () => {
    assert.deepEqual(await hostsOf(project('web', 'deploy/inventory.ini', INI)), [
      { name: 'web1', host: '127.0.0.1', port: 2511, user: 'app', userFrom: 'inventory', primary: false },
      { name: 'web2', host: '127.0.0.1', port: 2512, user: 'app', userFrom: 'inventory', primary: true },
    ]);
    assert.deepEqual((await hostsOf(project('fleet', 'deploy/inventory.ini', INI)))?.map((h) => [h.name, h.user, h.userFrom, h.primary]),
      [['web1', 'app', 'inventory', false], ['web2', 'app', 'inventory', true], ['db1', 'deploy', 'environment', false]], 'a group of groups; db1 has no ansible_user, so deploy.yml\'s user');
  });

  it('YAML: groups of groups, group vars, phoenix_primary: true', async () => {
    const hosts = await hostsOf(project('fleet', 'deploy/inventory.yml', YAML));
    assert.deepEqual(hosts?.map((h) => [h.name, h.host, h.port, h.user, h.primary]),
      [['w1', '10.1.0.1', 2222, 'deployer', false], ['w2', '10.1.0.2', undefined, 'deployer', false], ['q1', '10.1.0.9', undefined, 'deploy', true]]);
  });

  it('an inventory file that does not exist, and a group that is not in it: config-invalid at their lines', async () => {
    assert.deepEqual(await findings(project('web', 'deploy/missing.ini')), [[6, 18, 'config-invalid',
      `environments.production.hosts.inventory: deploy/missing.ini does not exist (looked for ${join(WORK, `p${n - 1}`, 'deploy/missing.ini')})`]]);
    assert.deepEqual(await findings(project('webs', 'deploy/inventory.ini', INI)), [[7, 14, 'config-invalid',
      'environments.production.hosts.group: group "webs" is not in the inventory; it has: db, fleet, web (deploy/inventory.ini)']]);
  });

  it('an inventory ansible-inventory cannot parse, or whose hosts are wrong, is reported with what it said', async () => {
    const [broken] = await findings(project('web', 'deploy/inventory.ini', '[web\nweb1 ansible_port=22\n'));
    assert.equal(broken[0], 6);
    assert.match(String(broken[3]), /hosts\.inventory: ansible-inventory could not read deploy\/inventory\.ini: .*Failed to parse .*inventory\.ini with ini plugin/);
    const [wrong] = await findings(project('web', 'deploy/inventory.ini', '[web]\nweb1 ansible_port=abc\nweb2 ansible_user=Root\n'));
    assert.deepEqual([wrong[0], wrong[3]], [6, 'environments.production.hosts.inventory: deploy/inventory.ini, group web: ' +
      'host web1: ansible_port "abc" is not a port number (1-65535)\nhost web2: ansible_user "Root" is not a Unix user name']);
  });

  it('an inventory that is a script is refused, never run', async () => {
    const dir = project('web', 'deploy/inventory.sh', `#!/bin/sh\ntouch "${WORK}/RAN"\necho '{"web":{"hosts":["x"]}}'\n`);
    spawnSync('chmod', ['+x', join(dir, 'deploy/inventory.sh')]);
    const [f] = await findings(dir);
    assert.match(String(f[3]), /ansible-inventory could not read deploy\/inventory\.sh/);
    assert.equal(existsSync(join(WORK, 'RAN')), false);
  });

  it('without ansible-inventory on PATH, `check` says so and how to install it, at the inventory line', () => {
    const dir = project('web', 'deploy/inventory.ini', INI);
    const r = spawnSync(process.execPath, [CLI, 'check', '--cwd', dir, '--json'], { encoding: 'utf8', env: { ...process.env, PATH: join(WORK, 'empty-bin') } });
    assert.equal(r.status, 1, r.stderr);
    const found = (JSON.parse(r.stdout) as { diagnostics: Array<{ line: number; code: string; message: string }> }).diagnostics;
    assert.deepEqual(found.map((d) => [d.line, d.code, d.message]), [[6, 'config-invalid',
      'environments.production.hosts.inventory: ansible-inventory was not found on PATH; install Ansible\'s command-line tools (Debian/Ubuntu: sudo apt-get install ansible-core; elsewhere: pipx install ansible-core)']]);
    const ok = spawnSync(process.execPath, [CLI, 'check', '--cwd', dir, '--json'], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  });
});
