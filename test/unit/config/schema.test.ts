import * as assert from 'node:assert/strict';
import { parseDeployConfig } from '../../../src/core/config/load';

const VALID = `app: my_app
repo: origin
branch: main
build:
  dockerfile: Dockerfile
  target: builder
  tool: auto
  mix_env: prod
environments:
  production:
    user: deploy
    deploy_to: /opt/my_app
    os: debian-12
    hosts:
      - app1.example.com
      - { host: app2.example.com, port: 2222, user: deploy, primary: true }
    migrate: bin/migrate
    restart: sudo systemctl restart my_app
    health: { url: "http://127.0.0.1:4000/health", expect: 200, timeout: 30 }
    keep_releases: 5
    ssh: { identity_file: ~/.ssh/id_ed25519, known_hosts: ~/.ssh/known_hosts }
`;

function errorsOf(text: string) {
  return parseDeployConfig(text).findings.map((f) => ({ line: f.line, column: f.column, code: f.code, message: f.message }));
}

describe('config/deploy.yml', () => {
  it('reads the documented example with every field', () => {
    const { config, findings } = parseDeployConfig(VALID);
    assert.deepEqual(findings, []);
    assert.ok(config);
    assert.equal(config.app, 'my_app');
    assert.deepEqual(config.build, { dockerfile: 'Dockerfile', target: 'builder', tool: 'auto', mixEnv: 'prod', network: undefined });
    const prod = config.environments.production;
    assert.deepEqual(prod.hosts, [
      { host: 'app1.example.com', user: 'deploy', userFrom: 'environment', primary: false },
      { host: 'app2.example.com', port: 2222, user: 'deploy', userFrom: 'host', primary: true },
    ]);
    assert.deepEqual(prod.restart, ['sudo', 'systemctl', 'restart', 'my_app']);
    assert.deepEqual(prod.migrate, ['bin/migrate']);
    assert.deepEqual(prod.health, { url: 'http://127.0.0.1:4000/health', expect: 200, timeout: 30 });
    assert.equal(prod.keepReleases, 5);
    assert.deepEqual(prod.ssh, { identityFile: '~/.ssh/id_ed25519', knownHosts: '~/.ssh/known_hosts', configFile: undefined });
  });

  it('applies defaults and makes the first host primary', () => {
    const { config } = parseDeployConfig('environments:\n  staging:\n    deploy_to: /srv/a\n    hosts: ["h1:2200", h2]\n    restart: sv restart a\n    migrate: false\n');
    assert.ok(config);
    assert.equal(config.repo, 'origin');
    assert.equal(config.branch, 'main');
    assert.equal(config.app, undefined);
    const env = config.environments.staging;
    // Nothing written: the ssh config's User and Port may apply (then `deploy` and 22, see ssh/target.ts).
    assert.equal(env.user, undefined);
    assert.equal(env.migrate, undefined);
    assert.deepEqual(env.hosts.map((h) => [h.host, h.port, h.user, h.primary]), [['h1', 2200, undefined, true], ['h2', undefined, undefined, false]]);
  });

  it('tells a user written for the host from one written for the environment', () => {
    const { config } = parseDeployConfig('environments:\n  s:\n    user: ops\n    deploy_to: /srv/a\n    hosts: [h1, { host: h2, user: root }]\n    restart: sv restart a\n');
    assert.deepEqual(config?.environments.s.hosts.map((h) => [h.user, h.userFrom]), [['ops', 'environment'], ['root', 'host']]);
  });

  it('reads ssh.config_file, and reports a relative, quoted or option-like one at its line', () => {
    const base = (value: string) => `environments:\n  s:\n    deploy_to: /srv/a\n    hosts: [h1]\n    restart: sv restart a\n    ssh:\n      config_file: ${value}\n`;
    assert.equal(parseDeployConfig(base('~/.ssh/deploy_config')).config?.environments.s.ssh.configFile, '~/.ssh/deploy_config');
    assert.equal(parseDeployConfig(base('none')).config?.environments.s.ssh.configFile, 'none');
    for (const bad of ['ssh_config', '"-oProxyCommand=x"', '\'/tmp/a"b\'', '42']) {
      const errors = errorsOf(base(bad));
      assert.equal(errors.length, 1, bad);
      assert.deepEqual([errors[0].line, errors[0].code], [7, 'config-invalid'], bad);
      assert.match(errors[0].message, /environments\.s\.ssh\.config_file/);
    }
  });

  it('reports an unknown key at its exact line and column', () => {
    const text = VALID.replace('    keep_releases: 5\n', '    keep_releases: 5\n    keep_relases: 3\n');
    assert.deepEqual(errorsOf(text), [{
      line: 21, column: 5, code: 'config-invalid',
      message: 'unknown key "keep_relases" in environments.production; expected one of: user, deploy_to, os, hosts, migrate, restart, restart_timeout, health, keep_releases, ssh, service, strategy, ports, proxy, drain_timeout, hooks, logs, rollout, shared_paths',
    }]);
  });

  it('reports a wrong type at the value', () => {
    const errors = errorsOf(VALID.replace('keep_releases: 5', 'keep_releases: many'));
    assert.equal(errors.length, 1);
    assert.deepEqual([errors[0].line, errors[0].column], [20, 20]);
    assert.match(errors[0].message, /keep_releases must be an integer/);
  });

  it('reports missing required keys on the mapping that lacks them', () => {
    const errors = errorsOf('environments:\n  production:\n    user: deploy\n');
    assert.deepEqual(errors.map((e) => e.line), [3, 3, 3]);
    assert.deepEqual(errors.map((e) => /"(\w+)"/.exec(e.message)?.[1]), ['deploy_to', 'hosts', 'restart']);
  });

  it('reports YAML syntax errors and duplicate keys with their line', () => {
    const syntax = errorsOf('environments:\n  production: [\n');
    assert.equal(syntax[0].code, 'config-invalid');
    assert.ok(syntax[0].line >= 2);
    const dup = errorsOf('app: a\napp: b\nenvironments: {}\n');
    assert.equal(dup[0].line, 2);
    assert.match(dup[0].message, /unique/);
  });

  it('reports an empty file and a missing environments key', () => {
    assert.match(errorsOf('')[0].message, /empty/);
    assert.match(errorsOf('# nothing\n')[0].message, /empty/);
    assert.match(errorsOf('app: x\n')[0].message, /missing the required key "environments"/);
  });

  for (const [field, value] of [
    ['deploy_to', '"/opt/app; rm -rf ~"'],
    ['deploy_to', '"/opt/../etc"'],
    ['deploy_to', 'relative/path'],
    ['user', '"-oProxyCommand=x"'],
    ['user', '"$(touch /tmp/pwned)"'],
    ['restart', '"sv restart a; rm -rf ~"'],
    ['restart', '"sv restart `id`"'],
    ['restart', '"sv restart $(id)"'],
    ['restart', '"-rf /"'],
    ['migrate', '"bin/migrate && curl x"'],
    ['migrate', '"bin/migrate\\nrm -rf ~"'],
    ['os', '"debian-12; id"'],
  ] as const) {
    it(`rejects hostile ${field}: ${value}`, () => {
      const text = `environments:\n  production:\n    deploy_to: /opt/a\n    hosts: [h]\n    restart: sv restart a\n    ${field}: ${value}\n`
        .replace(/    (deploy_to|restart): .*\n(?=(.|\n)*    \1: )/, '');
      const errors = errorsOf(text);
      assert.equal(errors.length, 1, JSON.stringify(errors));
      assert.equal(errors[0].line, text.split('\n').findIndex((l) => l.startsWith(`    ${field}:`)) + 1);
      assert.equal(errors[0].code, 'config-invalid');
    });
  }

  it('rejects hostile host names and branch names', () => {
    for (const host of ['"-oProxyCommand=touch /tmp/x"', '"a b"', '"h;id"', '"h:99999"']) {
      const errors = errorsOf(`environments:\n  p:\n    deploy_to: /opt/a\n    hosts: [${host}]\n    restart: x\n`);
      assert.equal(errors.length, 1, host);
      assert.equal(errors[0].line, 4);
    }
    for (const branch of ['"-f"', '"a..b"', '"main; id"']) {
      assert.equal(errorsOf(`branch: ${branch}\nenvironments:\n  p:\n    deploy_to: /opt/a\n    hosts: [h]\n    restart: x\n`)[0].line, 1, branch);
    }
  });

  it('refuses two primaries and duplicate hosts', () => {
    const errors = errorsOf('environments:\n  p:\n    deploy_to: /opt/a\n    hosts:\n      - { host: a, primary: true }\n      - { host: a, primary: true }\n    restart: x\n');
    assert.deepEqual(errors.map((e) => e.message.replace(/^.*?hosts /, '')).sort(), ['lists a:22 twice', 'marks 2 hosts as primary; at most one may be']);
  });

  it('gives a range for a key path', () => {
    const loaded = parseDeployConfig(VALID);
    assert.deepEqual(loaded.rangeOf(['environments', 'production', 'os']), { file: 'config/deploy.yml', line: 13, column: 9, endLine: 13, endColumn: 18 });
    assert.equal(loaded.rangeOf(['environments', 'nope']), undefined);
  });
});
