import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseDeployConfig } from '../../../src/core/config/load';
import { checkInitInput, readInitFacts, renderInit } from '../../../src/core/scaffold/init';
import { checkProject, readProjectFiles } from '../../../src/core/versions/check';
import { writeGenReleaseProject } from '../../support/phxGenRelease';

describe('init: a deploy config for a phx.gen.release project', () => {
  const dirs: string[] = [];
  const project = (options: { healthRoute?: string } = {}) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pd21b-init-'));
    dirs.push(dir);
    writeGenReleaseProject(dir, options);
    return dir;
  };
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('writes a managed blue/green environment that loads without a finding', async () => {
    const facts = await readInitFacts(project());
    const result = renderInit(facts, { env: 'production', hosts: ['web1.example.com', 'web2.example.com:2222'], domain: 'shop.example.com' });
    const loaded = parseDeployConfig(result.text);
    assert.deepEqual(loaded.findings, []);
    const env = loaded.config!.environments.production;
    assert.equal(loaded.config!.app, 'shop');
    assert.deepEqual([env.service, env.strategy, env.proxy?.serverName, env.health?.path, env.os], ['systemd', 'blue_green', 'shop.example.com', '/', 'debian-13']);
    assert.deepEqual(env.migrate, ['bin/migrate']);
    assert.equal(env.restart, undefined, 'no restart: command naming a unit that a fresh host lacks');
    assert.deepEqual(env.hosts.map((h) => [h.host, h.port, h.primary]), [['web1.example.com', undefined, true], ['web2.example.com', 2222, false]]);
    assert.deepEqual(result.warnings, []);
  });

  it('says what is left, in order: setup, then each setting runtime.exs needs, then deploy', async () => {
    const result = renderInit(await readInitFacts(project()), { env: 'staging', hosts: ['web1'], domain: 'shop.example.com' });
    assert.deepEqual(result.nextSteps.map((s) => s.replace(/\s+#.*$/, '')), [
      'phoenix-deploy setup --admin <a user with sudo> --env staging',
      'phoenix-deploy env set DATABASE_URL=… --env staging',
      'phoenix-deploy env set SECRET_KEY_BASE --generate --env staging',
      'phoenix-deploy env set PHX_HOST=shop.example.com --env staging',
      'phoenix-deploy deploy --env staging',
    ]);
  });

  it('checks the router\'s health route when it has one; no migrate without the overlay', async () => {
    const dir = project({ healthRoute: '/healthz' });
    rmSync(path.join(dir, 'rel/overlays/bin/migrate'));
    const loaded = parseDeployConfig(renderInit(await readInitFacts(dir), { hosts: [] }).text);
    const env = loaded.config!.environments.production;
    assert.equal(env.health?.path, '/healthz');
    assert.equal(env.migrate, undefined);
  });

  it('without a releases: key in mix.exs there is no finding, in init or in check', async () => {
    const dir = project();
    const facts = await readInitFacts(dir);
    assert.deepEqual(facts.missing, []);
    writeFileSync(path.join(dir, 'config/deploy.yml'), renderInit(facts, { hosts: ['web1'], domain: 'shop.example.com' }).text);
    const findings = checkProject(await readProjectFiles(dir), { env: 'production' }).filter((f) => /releases/i.test(f.message));
    assert.deepEqual(findings, []);
    assert.equal((await readInitFacts(dir)).hasConfig, true, 'an existing config/deploy.yml is seen (init then refuses)');
  });

  it('refuses inputs it cannot write', () => {
    assert.match(checkInitInput('host', 'web1; rm -rf /') ?? '', /not host or host:port/);
    assert.equal(checkInitInput('host', '203.0.113.7:2222'), undefined);
    assert.match(checkInitInput('domain', 'shop example') ?? '', /not a domain/);
    assert.match(checkInitInput('env', 'Prod!') ?? '', /not an environment name/);
  });
});
