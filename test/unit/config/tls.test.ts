import * as assert from 'node:assert/strict';
import { parseDeployConfig } from '../../../src/core/config/load';
import { LETS_ENCRYPT_DIRECTORY } from '../../../src/core/config/types';
import { errors, yml } from './environmentYml';

const managed = (proxy: string) => yml(['service: systemd', 'health: { path: /health }', `proxy: ${proxy}`].join('\n'));

describe('config: proxy.tls auto (ACME)', () => {
  it('reads the short form with Let\'s Encrypt production as the CA', () => {
    const { config, findings } = parseDeployConfig(managed('{ server_name: "shop.example.com www.shop.example.com", tls: auto }'));
    assert.deepEqual(findings, []);
    assert.deepEqual(config!.environments.production.proxy, {
      listen: 80, serverName: 'shop.example.com www.shop.example.com', tls: { auto: true, directory: LETS_ENCRYPT_DIRECTORY, listen: 443 },
    });
  });

  it('reads auto with an e-mail, another directory and listen', () => {
    const { config, findings } = parseDeployConfig(managed('{ server_name: shop.example.com, tls: { auto: true, email: ops@example.com, directory: "https://acme-staging-v02.api.letsencrypt.org/directory", listen: 8443 } }'));
    assert.deepEqual(findings, []);
    assert.deepEqual(config!.environments.production.proxy!.tls, {
      auto: true, email: 'ops@example.com', directory: 'https://acme-staging-v02.api.letsencrypt.org/directory', listen: 8443,
    });
  });

  it('refuses wildcards and _ at the server_name line, since HTTP-01 cannot prove them', () => {
    assert.deepEqual(errors(yml([
      'service: systemd',
      'health: { path: /health }',
      'proxy:',
      '  server_name: "*.example.com shop.example.com _"',
      '  tls: auto',
    ].join('\n'))), [
      '9: environments.production.proxy.server_name "*.example.com", "_" cannot get a certificate with tls: auto (a wildcard needs the DNS-01 challenge, which setup does not do): ' +
        'list each name, or use tls: { certificate, key } with a certificate you obtain',
    ]);
  });

  it('puts a finding at the line of each wrong value', () => {
    assert.deepEqual(errors(yml([
      'service: systemd',
      'health: { path: /health }',
      'proxy:',
      '  server_name: shop.example.com',
      '  tls:',
      '    auto: true',
      '    email: "ops; rm -rf /"',
      '    directory: http://insecure.example.com/dir',
      '    certificate: /etc/ssl/a.pem',
    ].join('\n'))), [
      '14: environments.production.proxy.tls.certificate is not used with "auto: true": setup obtains the certificate (remove it, or set auto: false)',
      '12: environments.production.proxy.tls.email "ops; rm -rf /" is not valid: an e-mail address, e.g. ops@example.com',
      `13: environments.production.proxy.tls.directory "http://insecure.example.com/dir" is not valid: an ACME directory URL, e.g. ${LETS_ENCRYPT_DIRECTORY}`,
    ]);
    assert.deepEqual(errors(managed('{ server_name: shop.example.com, tls: manual }')), [
      '8: environments.production.proxy.tls must be auto or a mapping ({ auto: true, email: ops@example.com } or { certificate, key })',
    ]);
    assert.deepEqual(errors(managed('{ server_name: shop.example.com, tls: { email: ops@example.com, certificate: /a.pem, key: /a.key } }')), [
      '8: environments.production.proxy.tls.email only applies with "auto: true"',
    ]);
    assert.deepEqual(errors(managed('{ server_name: shop.example.com, tls: { listen: 443 } }')), [
      '8: environments.production.proxy.tls is missing the required key "certificate" (or set "auto: true" to let setup obtain a certificate)',
      '8: environments.production.proxy.tls is missing the required key "key" (or set "auto: true" to let setup obtain a certificate)',
    ]);
  });
});
