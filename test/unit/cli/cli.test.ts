import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CLI = path.resolve(__dirname, '../../../src/cli.js');
const EXAMPLE = path.resolve(__dirname, '../../../../examples/hello_phoenix');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function project(deployYml: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'phx-cli-'));
  mkdirSync(path.join(dir, 'config'));
  writeFileSync(path.join(dir, 'config', 'deploy.yml'), deployYml);
  return dir;
}

describe('phoenix-deploy CLI', () => {
  it('check --json on the example app prints an empty diagnostics list and exits 0', () => {
    const r = cli('check', '--cwd', EXAMPLE, '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { diagnostics: [] });
  });

  it('check --json reports config errors with 1-based positions and exits 1', () => {
    const dir = project('environments:\n  production:\n    deploy_to: /opt/a\n    hosts: [h]\n    restart: x\n    colour: blue\n');
    const r = cli('check', '--cwd', dir, '--json');
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.stdout).diagnostics, [{
      file: 'config/deploy.yml', line: 6, column: 5, endLine: 6, endColumn: 11, severity: 'error', code: 'config-invalid',
      message: 'unknown key "colour" in environments.production; expected one of: user, deploy_to, os, hosts, migrate, restart, restart_timeout, health, keep_releases, ssh, service, strategy, ports, proxy, drain_timeout, hooks, logs, rollout, shared_paths',
    }]);
  });

  it('check on a folder without config is one clear diagnostic, not a stack trace', () => {
    const r = cli('check', '--cwd', os.tmpdir());
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^config\/deploy\.yml:1:1: error \[config-invalid\] config\/deploy\.yml not found/);
    assert.doesNotMatch(r.stdout + r.stderr, /at .*\.js:\d+/);
  });

  it('exits 2 on usage errors', () => {
    assert.equal(cli('frobnicate').code, 2);
    assert.equal(cli('check', '--bogus').code, 2);
    assert.equal(cli('build', '--env', 'x').code, 2);
    assert.equal(cli().code, 2);
    assert.equal(cli('--help').code, 0);
  });

  it('day-two commands: missing or stray words and flags are usage errors, before anything connects', () => {
    const example = EXAMPLE;
    const usage = (...args: string[]) => {
      const r = cli(...args, '--cwd', example);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      return r.stderr;
    };
    assert.match(usage('rpc'), /missing the expression to evaluate/);
    assert.match(usage('rpc', 'a', 'b'), /unexpected "b"/);
    assert.match(usage('console', '--all'), /unexpected --all/);
    assert.match(usage('env'), /missing what to do/);
    assert.match(usage('env', 'list', '--show', '--json'), /values never go into JSON output/);
    assert.match(usage('env', 'set', 'lower=x'), /"lower" is not a valid key/);
    assert.match(usage('env', 'frob'), /expected list, set, unset or push/);
    assert.match(usage('logs', '--lines', 'ten'), /--lines "ten" must be a whole number/);
    assert.match(usage('logs', '--since', 'yesterday'), /not a duration/);
    assert.match(usage('logs', '--host', 'a', '--host', 'b'), /--host takes one host \(init takes several\)/);
    assert.match(usage('env', 'unset', 'A', '--generate'), /--generate is for env set/);
    assert.match(usage('env', 'set', 'A=1', '--generate'), /--generate needs the KEY to generate/);
  });

  it('init refuses a host it cannot write, and never writes over an existing config/deploy.yml', () => {
    const empty = mkdtempSync(path.join(os.tmpdir(), 'pd21b-init-'));
    const bad = cli('init', '--host', 'web1; rm -rf /', '--yes', '--cwd', empty);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /not host or host:port/);
    assert.equal(existsSync(path.join(empty, 'config', 'deploy.yml')), false);
    const r = cli('init', '--cwd', EXAMPLE, '--yes');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /config\/deploy\.yml already exists; init leaves it as it is/);
  });
});
