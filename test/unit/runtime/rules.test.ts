/** check's findings about how the release runs: the server left off, and rel/env.sh(.eex) against the slots. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseDeployConfig } from '../../../src/core/config/load';
import type { RuntimeFiles } from '../../../src/core/runtime';
import { readEnvSh } from '../../../src/core/runtime/envSh';
import { runtimeFindings } from '../../../src/core/runtime/rules';
import { REPO_ROOT } from '../../support/paths';

const runtimeExs = readFileSync(path.join(REPO_ROOT, 'examples', 'shop', 'config', 'runtime.exs'), 'utf8');
const gateLine = runtimeExs.split('\n').findIndex((l) => l.includes('if System.get_env("PHX_SERVER")')) + 1;

function config(env: string) {
  const loaded = parseDeployConfig(`app: shop\nenvironments:\n  production:\n    deploy_to: /opt/shop\n    hosts: [web1.example.com]\n${env}`);
  assert.ok(loaded.config, JSON.stringify(loaded.findings));
  return loaded.config;
}
const BLUE_GREEN = config('    service: systemd\n    strategy: blue_green\n    proxy: { listen: 80, server_name: shop.example.com }\n    health: { path: / }\n');
const files = (extra: Partial<RuntimeFiles>): RuntimeFiles => ({ runtimeConfig: { path: 'config/runtime.exs', text: runtimeExs }, serverScript: true, ...extra });
const summary = (findings: ReturnType<typeof runtimeFindings>) => findings.map((f) => `${f.code} ${f.severity} ${f.file}:${f.line}:${f.column}-${f.endColumn}`);

describe('check: a deploy that would leave the server off', () => {
  it('an unmanaged host restarted with bin/shop start: a warning at runtime.exs\'s PHX_SERVER token, pointing at bin/server', () => {
    const findings = runtimeFindings(files({}), config('    restart: sudo -u deploy /opt/shop/current/bin/shop start\n'));
    assert.deepEqual(summary(findings), [`server-off warning config/runtime.exs:${gateLine}:4-32`]);
    assert.match(findings[0].message, /Environment "production" restarts the app with `sudo -u deploy \/opt\/shop\/current\/bin\/shop start`/);
    assert.match(findings[0].message, /restart with bin\/server .*`sudo -u deploy \/opt\/shop\/current\/bin\/server`/);
  });

  it('without the overlay it asks for PHX_SERVER=true; none when the command sets it, the host is managed, or nothing gates the server', () => {
    const [off] = runtimeFindings(files({ serverScript: false }), config('    restart: /opt/shop/current/bin/shop daemon\n'));
    assert.match(off.message, /set PHX_SERVER=true/);
    assert.deepEqual(runtimeFindings(files({}), config('    restart: env PHX_SERVER=true /opt/shop/current/bin/shop start\n')), []);
    assert.deepEqual(runtimeFindings(files({}), config('    service: systemd\n')), []);
    assert.deepEqual(runtimeFindings(files({}), config('    restart: sudo systemctl restart shop\n')), []);
    assert.deepEqual(runtimeFindings(files({ runtimeConfig: { path: 'config/runtime.exs', text: 'import Config\n' } }), config('    restart: /opt/shop/current/bin/shop start\n')), []);
  });
});

describe('check: rel/env.sh(.eex) against the blue/green slots', () => {
  const named = 'export RELEASE_DISTRIBUTION=name\nexport RELEASE_NODE=<%= @release.name %>@127.0.0.1\n';

  it('both exports of the common shape are errors at their values, each with the ${VAR:-…} quick fix', () => {
    const findings = runtimeFindings(files({ envSh: { path: 'rel/env.sh.eex', text: named } }), BLUE_GREEN);
    assert.deepEqual(summary(findings), ['release-node-shared error rel/env.sh.eex:1:29-33', 'release-node-shared error rel/env.sh.eex:2:21-51']);
    assert.deepEqual(findings.map((f) => f.fix?.[0].newText), ['"${RELEASE_DISTRIBUTION:-name}"', '"${RELEASE_NODE:-<%= @release.name %>@127.0.0.1}"']);
    assert.match(findings[1].message, /both blue\/green slots of "production" would get this node name/);
    const fixed = named.replace('=name', '="${RELEASE_DISTRIBUTION:-name}"').replace('=<%= @release.name %>@127.0.0.1', '="${RELEASE_NODE:-<%= @release.name %>@127.0.0.1}"');
    assert.deepEqual(runtimeFindings(files({ envSh: { path: 'rel/env.sh.eex', text: fixed } }), BLUE_GREEN), []);
  });

  it('the restart strategy has one node per host: no finding for a fixed name', () => {
    assert.deepEqual(runtimeFindings(files({ envSh: { path: 'rel/env.sh.eex', text: named } }), config('    service: systemd\n')), []);
  });

  it('Fly.io\'s shape: the node from $FLY_… and inet6 distribution; nothing when guarded by the platform\'s variable', () => {
    const fly = 'export ERL_AFLAGS="-proto_dist inet6_tcp"\nexport RELEASE_DISTRIBUTION=name\nexport RELEASE_NODE="${FLY_APP_NAME}-${FLY_IMAGE_REF##*-}@${FLY_PRIVATE_IP}"\n';
    const findings = runtimeFindings(files({ envSh: { path: 'rel/env.sh.eex', text: fly } }), BLUE_GREEN);
    assert.deepEqual(findings.map((f) => `${f.code} ${f.line}`).sort(), ['ipv6-dist 1', 'release-node-off-platform 3', 'release-node-shared 2', 'release-node-shared 3']);
    assert.match(findings.find((f) => f.code === 'release-node-off-platform')!.message, /\$FLY_APP_NAME, \$FLY_IMAGE_REF, \$FLY_PRIVATE_IP, which the hosts do not set/);
    const guarded = `if [ $FLY_IO_RELEASE ]; then\n${fly.split('\n').map((l) => `  ${l}`).join('\n')}\nfi\n`;
    assert.deepEqual(runtimeFindings(files({ envSh: { path: 'rel/env.sh.eex', text: guarded } }), BLUE_GREEN), []);
  });

  it('Kubernetes\' $POD_IP is off-platform too', () => {
    const [e] = readEnvSh('export RELEASE_NODE=shop@$POD_IP\n');
    assert.deepEqual([e.offPlatform, e.guarded, e.defers], [['POD_IP'], false, false]);
  });
});
