import assert from 'node:assert/strict';
import { parseDeployConfig } from '../../../src/core/config/load';
import { groupHosts, inventoryHosts } from '../../../src/core/config/inventory';

/** `ansible-inventory --list` output (as ansible-core 2.14 prints it) for an inventory with groups of groups. */
const LIST = {
  _meta: {
    hostvars: {
      web1: { ansible_host: '10.0.0.1', ansible_port: 2201, ansible_user: 'deploy' },
      web2: { ansible_host: '10.0.0.2', ansible_port: '2202', ansible_user: 'deploy', phoenix_primary: 'true' },
      api1: { ansible_host: 'api1.example.com', ansible_user: 'app' },
      db1: { ansible_host: '10.0.0.9' },
      v6: { ansible_host: 'fd00::5' },
    },
  },
  all: { children: ['ungrouped', 'fleet', 'db'] },
  fleet: { children: ['web', 'api'] },
  web: { hosts: ['web1', 'web2'] },
  api: { hosts: ['api1'], children: ['web'] },
  db: { hosts: ['db1'] },
  ungrouped: { hosts: ['v6'] },
};

describe('Ansible inventory (ansible-inventory --list JSON)', () => {
  it('a group of groups: its own hosts, then its children\'s, breadth first, each host once', () => {
    // As `ansible GROUP --list-hosts` orders them.
    assert.deepEqual(groupHosts(LIST, 'fleet'), ['web1', 'web2', 'api1']);
    assert.deepEqual(groupHosts(LIST, 'api'), ['api1', 'web1', 'web2']);
    assert.deepEqual(groupHosts(LIST, 'all'), ['v6', 'db1', 'web1', 'web2', 'api1']);
    assert.equal(groupHosts(LIST, 'nope'), undefined);
    assert.equal(groupHosts(LIST, '_meta'), undefined);
  });

  it('maps ansible_host, ansible_port and ansible_user; phoenix_primary marks the primary', () => {
    const r = inventoryHosts(LIST, 'web', 'ops');
    assert.ok(r.ok);
    assert.deepEqual(r.hosts, [
      { name: 'web1', host: '10.0.0.1', port: 2201, user: 'deploy', userFrom: 'inventory', primary: false },
      { name: 'web2', host: '10.0.0.2', port: 2202, user: 'deploy', userFrom: 'inventory', primary: true },
    ]);
    // What the inventory does not write is left to deploy.yml's environment user, then to ssh -G.
    const api = inventoryHosts(LIST, 'api');
    assert.ok(api.ok);
    assert.deepEqual(api.hosts.map((h) => [h.name, h.host, h.port, h.user, h.userFrom, h.primary]),
      [['api1', 'api1.example.com', undefined, 'app', 'inventory', false], ['web1', '10.0.0.1', 2201, 'deploy', 'inventory', false], ['web2', '10.0.0.2', 2202, 'deploy', 'inventory', true]]);
  });

  it('without phoenix_primary the group\'s first host is the primary; an IPv6 ansible_host is bracketed; no ansible_host means the inventory name', () => {
    const r = inventoryHosts({ ...LIST, g: { hosts: ['db1', 'v6', 'bare'] } }, 'g', 'ops');
    assert.ok(r.ok);
    assert.deepEqual(r.hosts.map((h) => [h.name, h.host, h.port, h.user, h.userFrom, h.primary]),
      [['db1', '10.0.0.9', undefined, 'ops', 'environment', true], ['v6', '[fd00::5]', undefined, 'ops', 'environment', false], ['bare', 'bare', undefined, 'ops', 'environment', false]]);
  });

  it('a group that is not there, or is empty, names the groups there are', () => {
    assert.deepEqual(inventoryHosts(LIST, 'webs'), { ok: false, problem: 'group', message: 'group "webs" is not in the inventory; it has: api, db, fleet, web' });
    assert.deepEqual(inventoryHosts({ ...LIST, empty: {} }, 'empty'), { ok: false, problem: 'group', message: 'group "empty" has no hosts' });
  });

  it('wrong values name the host and the variable; two primaries and two hosts at one address are refused', () => {
    const bad = {
      _meta: { hostvars: {
        a: { ansible_host: 'x;rm -rf ~', ansible_port: 'abc' },
        b: { ansible_user: '-oProxyCommand=x', phoenix_primary: true },
        c: { ansible_port: 70000, phoenix_primary: 'yes' },
      } },
      g: { hosts: ['a', 'b', 'c', '-d'] },
    };
    const r = inventoryHosts(bad, 'g');
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.message, [
      'host a: ansible_host "x;rm -rf ~" is not a host name or IP address; ansible_port "abc" is not a port number (1-65535)',
      'host b: ansible_user "-oProxyCommand=x" is not a Unix user name',
      'host c: ansible_port 70000 is not a port number (1-65535)',
      'host -d: the name has characters other than letters, digits, ".", "_" and "-"; ansible_host "-d" is not a host name or IP address',
    ].join('\n'));
    const twice = inventoryHosts({ _meta: { hostvars: { a: { phoenix_primary: true, ansible_host: 'h' }, b: { phoenix_primary: 'True', ansible_host: 'h' } } }, g: { hosts: ['a', 'b'] } }, 'g');
    assert.equal(!twice.ok && twice.message, 'hosts a, b all set phoenix_primary; at most one may\nhosts a and b are both h:22');
  });
});

describe('hosts: { inventory, group } in deploy.yml', () => {
  const env = (hosts: string) => `environments:\n  production:\n    deploy_to: /srv/a\n    restart: sv restart a\n    hosts:\n${hosts}`;
  const wrong = (hosts: string) => parseDeployConfig(env(hosts)).findings.map((f) => [f.line, f.code, f.message]);

  it('reads the file and the group', () => {
    const config = parseDeployConfig(env('      inventory: deploy/inventory.ini\n      group: web\n')).config;
    assert.deepEqual(config?.environments.production.inventory, { file: 'deploy/inventory.ini', group: 'web' });
  });

  it('every wrong value is a config-invalid finding at its own line', () => {
    assert.deepEqual(wrong('      inventory: -i/etc/passwd\n      group: web\n').map((f) => f.slice(0, 2)), [[6, 'config-invalid']]);
    assert.match(String(wrong('      inventory: a,b\n      group: web\n')[0][2]), /hosts\.inventory "a,b" is not valid: a path to an Ansible inventory file .*no commas/);
    assert.deepEqual(wrong('      inventory: deploy/inventory.ini\n      group: "web servers"\n').map((f) => f.slice(0, 2)), [[7, 'config-invalid']]);
    assert.match(String(wrong('      inventory: deploy/inventory.ini\n')[0][2]), /group/);
    assert.match(String(wrong('      inventory: deploy/inventory.ini\n      group: web\n      limit: 2\n')[0]), /^8,config-invalid,.*unknown key "limit"/);
    const both = parseDeployConfig(env('      inventory: [x]\n      group: 7\n'));
    assert.deepEqual(both.findings.map((f) => f.line).sort(), [6, 7], 'one finding at each wrong value');
    assert.equal(both.config, undefined);
  });
});
