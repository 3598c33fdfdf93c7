/**
 * Golden files for every file setup writes on a host. A change to a renderer shows up as a diff of
 * these files in review; regenerate them with UPDATE_GOLDEN=1 after checking the new output.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { EnvironmentConfig } from '../../../src/core/config/types';
import { renderDeployHook } from '../../../src/core/host/acme';
import { managedState } from '../../../src/core/host/managed';
import { liveSlotOf, renderSite, renderUpstream } from '../../../src/core/host/nginx';
import { managedHost } from '../../../src/core/host/spec';
import { renderLauncher } from '../../../src/core/host/launch';
import { renderSudoers } from '../../../src/core/host/sudoers';
import { renderAppUnit, renderEpmdUnit, renderRuntimeEnv, renderServiceEnv, renderSlotEnv } from '../../../src/core/host/systemd';
import { desiredFiles } from '../../../src/core/setup/files';
import { readFinalStage, releaseRuntime } from '../../../src/core/runtime';
import { REPO_ROOT } from '../../support/paths';

const GOLDEN = path.join(REPO_ROOT, 'test', 'unit', 'host', 'golden');

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) writeFileSync(file, actual);
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} differs from its golden file (UPDATE_GOLDEN=1 rewrites it)`);
}

const base: EnvironmentConfig = {
  name: 'production', user: 'deploy', deployTo: '/opt/shop', hosts: [{ host: 'web1.example.com', port: 22, user: 'deploy', primary: true }],
  keepReleases: 5, ssh: {}, health: { path: '/health', expect: 200, timeout: 30 },
};
const blueGreen = managedHost('shop', {
  ...base, service: 'systemd', strategy: 'blue_green', ports: [4001, 4002], drainTimeout: 20,
  proxy: { listen: 80, serverName: 'shop.example.com www.shop.example.com' },
});
const tls = managedHost('shop', {
  ...base, service: 'systemd', strategy: 'blue_green',
  proxy: { listen: 80, serverName: 'shop.example.com', tls: { certificate: '/etc/letsencrypt/live/shop.example.com/fullchain.pem', key: '/etc/letsencrypt/live/shop.example.com/privkey.pem', listen: 443 } },
});
const restart = managedHost('shop', { ...base, name: 'staging', service: 'systemd', ports: [4000], proxy: { listen: 8080, serverName: '_' } });

describe('host file renderers (golden files)', () => {
  it('blue/green: the template unit, epmd unit and slot env files', () => {
    golden('bluegreen-unit.service', renderAppUnit(blueGreen));
    golden('bluegreen-epmd.service', renderEpmdUnit(blueGreen));
    golden('bluegreen-blue.env', renderSlotEnv(blueGreen, blueGreen.slots[0]));
    golden('bluegreen-green.env', renderSlotEnv(blueGreen, blueGreen.slots[1]));
  });

  it('the launcher the units run: start for a mix release, foreground (and a slot vm.args) for Distillery', () => {
    golden('launch.sh', renderLauncher(blueGreen));
    assert.equal(renderLauncher(restart), renderLauncher(blueGreen), 'one launcher for both strategies');
  });

  it('blue/green: sudoers allows exactly the slot units, nginx -t, the reload and the two upstream copies', () => {
    golden('bluegreen.sudoers', renderSudoers(blueGreen));
  });

  it('blue/green: the nginx site and each slot\'s upstream', () => {
    golden('bluegreen-site.conf', renderSite(blueGreen));
    golden('bluegreen-upstream-blue.conf', renderUpstream(blueGreen, 4001, blueGreen.slots[0]));
    golden('bluegreen-upstream-green.conf', renderUpstream(blueGreen, 4002, blueGreen.slots[1]));
  });

  it('shared_paths under priv/static are served by nginx from shared/, falling back to the app', () => {
    golden('bluegreen-shared-site.conf', renderSite(managedHost('shop', {
      ...base, service: 'systemd', strategy: 'blue_green', keepReleases: 3, proxy: { listen: 80, serverName: 'shop.example.com' },
      sharedPaths: [{ path: 'priv/static/uploads' }, { path: 'storage' }],
    })));
  });

  it('TLS: 443 with the given files, 80 redirects', () => {
    golden('tls-site.conf', renderSite(tls));
    golden('tls-8443-site.conf', renderSite(managedHost('shop', {
      ...base, service: 'systemd', strategy: 'blue_green',
      proxy: { listen: 8080, serverName: 'shop.example.com', tls: { certificate: '/etc/ssl/shop.pem', key: '/etc/ssl/shop.key', listen: 8443 } },
    })));
  });

  it('TLS auto: HTTP-only answering HTTP-01 until the certificate exists, then HTTPS with the challenge still served on 80', () => {
    const auto = managedHost('shop', {
      ...base, service: 'systemd', strategy: 'blue_green',
      proxy: { listen: 80, serverName: 'shop.example.com www.shop.example.com', tls: { auto: true, email: 'ops@example.com', directory: 'https://acme.example/dir', listen: 443 } },
    });
    const site = (httpOnly: boolean) => desiredFiles(auto, undefined, { httpOnly }).find((f) => f.path === auto.proxy!.siteFile)!.content;
    golden('acme-http-site.conf', site(true));
    golden('acme-site.conf', site(false));
    golden('acme-deploy-hook', renderDeployHook('shop', auto.proxy!.tls!.acme!));
    assert.equal(managedState(renderDeployHook('shop', auto.proxy!.tls!.acme!)), 'intact');
    assert.deepEqual(auto.proxy!.tls!.acme!.names, ['shop.example.com', 'www.shop.example.com']);
    const hook = desiredFiles(auto, undefined).find((f) => f.group === 'certificate')!;
    assert.deepEqual([hook.path, hook.mode], ['/etc/letsencrypt/renewal-hooks/deploy/phoenix-deploy-shop', '0755']);
  });

  it('TLS auto with two hosts: every host serves the distributed copy; the challenge hooks instead of a deploy hook (the tool renews)', () => {
    const fleet = managedHost('shop', {
      ...base, hosts: [...base.hosts, { host: 'web2.example.com', primary: false }], service: 'systemd', strategy: 'blue_green',
      proxy: { listen: 80, serverName: 'shop.example.com', tls: { auto: true, directory: 'https://acme.example/dir', listen: 443 } },
    });
    assert.deepEqual([fleet.proxy!.tls!.certificate, fleet.proxy!.tls!.key], ['/etc/phoenix-deploy/shop/tls/fullchain.pem', '/etc/phoenix-deploy/shop/tls/privkey.pem']);
    const hooks = desiredFiles(fleet, undefined).filter((f) => f.group === 'certificate');
    assert.deepEqual(hooks.map((f) => [f.path, f.mode]), [['/etc/phoenix-deploy/shop/acme-auth-hook', '0755'], ['/etc/phoenix-deploy/shop/acme-cleanup-hook', '0755']]);
    golden('acme-auth-hook', hooks[0].content);
    golden('acme-cleanup-hook', hooks[1].content);
  });

  it('restart strategy: one plain unit, its port, a sudoers rule for that unit only, an upstream without slots', () => {
    golden('restart-unit.service', renderAppUnit(restart));
    golden('restart-service.env', renderServiceEnv(restart, 4000));
    golden('restart.sudoers', renderSudoers(restart));
    golden('restart-site.conf', renderSite(restart));
    golden('restart-upstream.conf', renderUpstream(restart, 4000));
  });

  it('a phx.gen.release project: the units run bin/server, and the final stage\'s ENV comes first', () => {
    const dockerfile = readFileSync(path.join(REPO_ROOT, 'examples', 'shop', 'Dockerfile'), 'utf8');
    const runtime = releaseRuntime({ serverScript: true, finalStage: readFinalStage(dockerfile, 'Dockerfile', 'builder') });
    const host = managedHost('shop', { ...base, service: 'systemd', strategy: 'blue_green' }, runtime);
    golden('phx-bluegreen-unit.service', renderAppUnit(host));
    golden('phx-release.env', renderRuntimeEnv(host));
    // The launcher runs bin/server when the release has it (test/unit/host/launch.test.ts).
    assert.match(renderAppUnit(host), /^ExecStart=\/bin\/sh \/etc\/phoenix-deploy\/shop\/launch \/opt\/shop\/slots\/%i$/m);
  });

  it('no bin/server but runtime.exs gates the server on PHX_SERVER: the unit environment sets PHX_SERVER=true', () => {
    const gate = { file: 'config/runtime.exs', line: 20, column: 4, endLine: 20, endColumn: 32 };
    const env: [string, string] = ['ERL_AFLAGS', '-kernel shell_history enabled'];
    const runtime = releaseRuntime({ serverScript: false, serverGate: gate, finalStage: {
      file: 'Dockerfile', stage: undefined as never, packages: [], locales: [], env: [{ value: env, range: { line: 9, column: 5, endLine: 9, endColumn: 40 } }],
    } });
    const host = managedHost('shop', { ...base, name: 'staging', service: 'systemd', ports: [4000] }, runtime);
    golden('phx-gated-restart-unit.service', renderAppUnit(host));
    golden('phx-gated-release.env', renderRuntimeEnv(host));
    assert.match(renderRuntimeEnv(host), /^PHX_SERVER=true$/m);
    assert.match(renderAppUnit(host), /^ExecStart=\/bin\/sh \/etc\/phoenix-deploy\/shop\/launch \/opt\/shop\/current$/m);
  });

  it('slots get distinct ports, node names and RELEASE_TMP', () => {
    const [b, g] = blueGreen.slots;
    assert.deepEqual([b.port, g.port], [4001, 4002]);
    assert.notEqual(b.node, g.node);
    assert.notEqual(b.tmp, g.tmp);
    assert.deepEqual(managedHost('shop', { ...base, service: 'systemd', strategy: 'blue_green' }).slots.map((s) => s.port), [4001, 4002]);
  });

  it('the live upstream names its slot', () => {
    assert.equal(liveSlotOf(renderUpstream(blueGreen, 4002, blueGreen.slots[1])), 'green');
    assert.equal(liveSlotOf(renderUpstream(restart, 4000)), undefined);
    assert.equal(liveSlotOf(undefined), undefined);
  });
});

describe('managed file headers', () => {
  const site = renderSite(blueGreen);

  it('a file as the tool wrote it is intact; any edit to its body is detected', () => {
    assert.equal(managedState(site), 'intact');
    assert.equal(managedState(site.replace('listen 80;', 'listen 80;\n    # managed by Certbot')), 'edited');
    assert.equal(managedState(`${site}\n`), 'edited');
  });

  it('a file without the header was not written by the tool; no file is absent', () => {
    assert.equal(managedState('server { listen 80; }\n'), 'foreign');
    assert.equal(managedState(undefined), 'absent');
  });
});
