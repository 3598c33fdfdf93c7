import * as assert from 'node:assert/strict';
import { parseDeployConfig } from '../../../src/core/config/load';
import { errors, yml } from './environmentYml';

describe('config: managed hosts (service, strategy, ports, proxy, drain_timeout)', () => {
  it('reads a blue/green environment with TLS', () => {
    const { config, findings } = parseDeployConfig(yml([
      'service: systemd',
      'strategy: blue_green',
      'ports: [4001, 4002]',
      'proxy: { listen: 80, server_name: shop.example.com, tls: { certificate: /etc/letsencrypt/live/shop/fullchain.pem, key: /etc/letsencrypt/live/shop/privkey.pem } }',
      'health: { path: /health, expect: 200, timeout: 30 }',
      'drain_timeout: 20',
    ].join('\n')));
    assert.deepEqual(findings, []);
    const env = config!.environments.production;
    assert.equal(env.service, 'systemd');
    assert.equal(env.strategy, 'blue_green');
    assert.deepEqual(env.ports, [4001, 4002]);
    assert.deepEqual(env.proxy, { listen: 80, serverName: 'shop.example.com', tls: { certificate: '/etc/letsencrypt/live/shop/fullchain.pem', key: '/etc/letsencrypt/live/shop/privkey.pem', listen: 443 } });
    assert.deepEqual(env.health, { path: '/health', expect: 200, timeout: 30 });
    assert.equal(env.drainTimeout, 20);
    assert.equal(env.restart, undefined);
  });

  it('restart stays required for a host the tool does not manage, and optional with service: systemd', () => {
    assert.deepEqual(errors(yml('health: { url: "http://127.0.0.1:4000/health" }')),
      ['4: environments.production is missing the required key "restart" (or set "service: systemd" to let the tool manage the app\'s unit)']);
    const managed = parseDeployConfig(yml('service: systemd\nhealth: { path: /health }'));
    assert.deepEqual(managed.findings, []);
    assert.equal(managed.config!.environments.production.strategy, undefined);
  });

  it('puts a finding at the line of every wrong value', () => {
    assert.deepEqual(errors(yml([
      'service: runit',
      'strategy: canary',
      'ports: [4001, 70000, "x"]',
      'proxy: { listen: 0, server_name: "shop; evil" }',
      'drain_timeout: -1',
      'restart: sudo sv restart shop',
    ].join('\n'))), [
      '6: environments.production.service "runit" is not valid: expected systemd (or leave "service" out for a host whose service you manage yourself)',
      '7: environments.production.strategy "canary" is not valid: expected restart or blue_green',
      '9: environments.production.proxy.listen must be an integer from 1 to 65535',
      '9: environments.production.proxy.server_name "shop; evil" is not valid: host names separated by spaces (e.g. shop.example.com www.shop.example.com), or _',
      '8: environments.production.ports[1] must be a port number from 1 to 65535',
      '8: environments.production.ports[2] must be a port number from 1 to 65535',
      '10: environments.production.drain_timeout must be an integer from 0 to 3600',
    ]);
  });

  it('blue_green needs service: systemd, a proxy, two ports and health.path; restart has no place there', () => {
    assert.deepEqual(errors(yml([
      'strategy: blue_green',
      'ports: [4001]',
      'restart: sudo sv restart shop',
      'health: { url: "http://127.0.0.1:4000/health" }',
    ].join('\n'))), [
      '7: environments.production.ports must list 2 ports with strategy blue_green (one per slot, e.g. [4001, 4002]); it lists 1',
      '6: environments.production.strategy blue_green needs "service: systemd": the tool runs the two slots as systemd units',
      '6: environments.production.strategy blue_green needs "proxy" (e.g. { listen: 80, server_name: shop.example.com }): nginx switches traffic between the slots',
      '8: environments.production.restart is not used with strategy blue_green (the tool starts and stops the slots); remove it',
      '9: environments.production.health.url is not used with strategy blue_green: set health.path, which is checked on each slot\'s own port',
    ]);
  });

  it('refuses duplicate ports, a port nginx listens on, drain_timeout without blue_green, and TLS on the HTTP port', () => {
    assert.deepEqual(errors(yml([
      'service: systemd',
      'ports: [80]',
      'proxy: { listen: 80, server_name: _, tls: { certificate: /etc/ssl/a.pem, key: /etc/ssl/../a.key, listen: 80 } }',
      'drain_timeout: 5',
    ].join('\n'))), [
      '8: environments.production.proxy.tls.key must not contain ".."',
      '8: environments.production.proxy.listen 80 is also tls.listen; HTTP redirects to HTTPS, so they must differ',
      '9: environments.production.drain_timeout only applies to strategy blue_green',
      '8: environments.production: port 80 is both an app port and an nginx listen port',
      '8: environments.production: port 80 is both an app port and an nginx listen port',
    ]);
    assert.deepEqual(errors(yml('service: systemd\nstrategy: blue_green\nports: [4001, 4001]\nproxy: { server_name: _ }\nhealth: { path: /health }')),
      ['8: environments.production.ports lists 4001 twice; each slot needs its own port']);
  });

  it('health needs url or path', () => {
    assert.deepEqual(errors(yml('service: systemd\nhealth: { expect: 200 }')),
      ['7: environments.production.health needs "url" (e.g. http://127.0.0.1:4000/health) or "path" (e.g. /health, checked on the app\'s port)']);
    assert.deepEqual(errors(yml('service: systemd\nhealth: { path: "health" }')),
      ['7: environments.production.health.path "health" is not valid: a path on the app, starting with "/", e.g. /health']);
  });
});
