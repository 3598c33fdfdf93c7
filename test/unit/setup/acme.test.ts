import assert from 'node:assert/strict';
import { hostTls } from '../../../src/core/host/acme';
import { parseChallenges } from '../../../src/core/setup/acmeRemote';
import { classifyCertbotFailure } from '../../../src/core/setup/certbotFailure';
import { certificateWarnings, obtainReason, parseCertificateFacts } from '../../../src/core/setup/certificate';

const M = '@@phoenix-deploy-cert:';
const acme = hostTls('shop', { auto: true, directory: 'https://acme.example/dir', listen: 443 }, 'shop.example.com www.shop.example.com', 1).acme!;
const now = new Date('2026-12-07T00:00:00Z');
const cert = (end: string, names = 'DNS:shop.example.com, DNS:www.shop.example.com') => [`serial=0A1B`, `notAfter=${end}`, 'X509v3 Subject Alternative Name: ', `    ${names}`];
const facts = (lines: Record<string, string[]>) => parseCertificateFacts([...Object.entries(lines).flatMap(([k, v]) => [`${M}${k}`, ...v]), `${M}end`].join('\n'));

describe('tls: auto: the certificate on a host', () => {
  it('parses what openssl and systemctl print', () => {
    const f = facts({
      certbot: ['present'], timer: ['enabled'], renewal: ['Result=exit-code', 'ExecMainStatus=1', 'ExecMainExitTimestamp=Sun 2026-12-06 12:00:00 UTC'],
      lineage: cert('Mar  7 01:24:06 2027 GMT'), server: ['https://acme.example/dir'], served: cert('Mar  7 01:24:06 2027 GMT'), key: ['present'],
    });
    assert.equal(f.complete, true);
    assert.deepEqual(f.lineage, { serial: '0A1B', notAfter: new Date('2027-03-07T01:24:06Z'), names: ['shop.example.com', 'www.shop.example.com'] });
    assert.deepEqual(f.renewal, { result: 'exit-code', status: 1, at: 'Sun 2026-12-06 12:00:00 UTC' });
    assert.equal(f.timerEnabled, true);
    assert.equal(parseCertificateFacts(`${M}certbot\npresent\n`).complete, false);
  });

  it('obtains when there is no lineage, a name is missing, the CA changed or fewer than 30 days are left; never otherwise', () => {
    const base = { certbot: ['present'], server: ['https://acme.example/dir'] };
    assert.equal(obtainReason(acme, facts(base), now), 'none');
    assert.equal(obtainReason(acme, facts({ ...base, lineage: cert('Mar  7 01:24:06 2027 GMT', 'DNS:shop.example.com') }), now), 'names');
    assert.equal(obtainReason(acme, facts({ ...base, server: ['https://other.example/dir'], lineage: cert('Mar  7 01:24:06 2027 GMT') }), now), 'directory');
    assert.equal(obtainReason(acme, facts({ ...base, lineage: cert('Dec 30 00:00:00 2026 GMT') }), now), 'expiring');
    assert.equal(obtainReason(acme, facts({ ...base, lineage: cert('Mar  7 01:24:06 2027 GMT') }), now), undefined);
  });

  it('check --probe warns of a certificate expiring within 14 days and of a failed renewal', () => {
    const soon = facts({ served: cert('Dec 17 00:00:00 2026 GMT'), renewal: ['Result=success'] });
    assert.deepEqual(certificateWarnings('web1', 'shop.example.com', soon, now, false).map((w) => w.code), ['certificate-expiring']);
    assert.match(certificateWarnings('web1', 'shop.example.com', soon, now, false)[0].message, /expires on 2026-12-17T00:00:00\.000Z \(in 10 days\): certbot\.timer on the host/);
    assert.match(certificateWarnings('web1', 'shop.example.com', soon, now, true)[0].message, /run phoenix-deploy setup/);
    const fine = facts({ served: cert('Jan 30 00:00:00 2027 GMT'), renewal: ['Result=success'] });
    assert.deepEqual(certificateWarnings('web1', 'shop.example.com', fine, now, false), []);
    const failed = facts({ served: cert('Jan 30 00:00:00 2027 GMT'), renewal: ['Result=exit-code', 'ExecMainStatus=1'] });
    assert.deepEqual(certificateWarnings('web1', 'shop.example.com', failed, now, false).map((w) => w.message),
      ['The last certificate renewal on web1 failed (certbot.service: exit-code, exit 1): see `journalctl -u certbot` there']);
  });

  it('reads the primary\'s pending challenge files, and nothing that is not a token', () => {
    assert.deepEqual(parseChallenges('abc_-1 abc_-1.key\n../x y\n\n'), [{ token: 'abc_-1', validation: 'abc_-1.key' }]);
  });
});

const problems = (type: string, detail: string, domain = 'shop.example.com') => [
  'Certbot failed to authenticate some domains (authenticator: webroot). The Certificate Authority reported these problems:',
  `  Domain: ${domain}`, `  Type:   ${type}`, `  Detail: ${detail}`, '', 'Hint: The Certificate Authority failed to download the temporary challenge files created by Certbot.',
].join('\n');

describe('tls: auto: certbot failures name their cause', () => {
  it('a name that does not resolve (Let\'s Encrypt\'s and pebble\'s words)', () => {
    const le = classifyCertbotFailure('', problems('dns', 'DNS problem: NXDOMAIN looking up A for shop.example.com - check that a DNS record exists for this domain'));
    assert.equal(le.cause, 'dns');
    assert.match(le.message, /^shop\.example\.com does not resolve to this host .*The CA said:\n {2}shop\.example\.com: DNS problem: NXDOMAIN/s);
    assert.equal(classifyCertbotFailure(problems('connection', 'Get "http://nope.test:80/x": could not resolve URL "http://nope.test:80/x"', 'nope.test'), '').cause, 'dns');
  });

  it('port 80 unreachable, another host answering, a rate limit, and any other CA error quoted', () => {
    const closed = classifyCertbotFailure('', problems('connection', '203.0.113.7: Fetching http://shop.example.com/.well-known/acme-challenge/x: Timeout during connect (likely firewall problem)'));
    assert.equal(closed.cause, 'unreachable');
    assert.match(closed.message, /^port 80 of shop\.example\.com is not reachable from the CA/);
    assert.equal(classifyCertbotFailure('', problems('unauthorized', '203.0.113.7: Invalid response from http://shop.example.com/.well-known/acme-challenge/x: 404')).cause, 'wrong-host');
    const limited = classifyCertbotFailure('', 'An unexpected error occurred:\nError creating new order :: too many certificates (5) already issued for this exact set of domains in the last 168 hours: shop.example.com, retry after 2026-12-08T00:00:00Z: see https://letsencrypt.org/docs/rate-limits/');
    assert.equal(limited.cause, 'rate-limit');
    assert.match(limited.message, /rate limit.*The CA said:\n {2}Error creating new order :: too many certificates/s);
    const ca = classifyCertbotFailure('', 'An unexpected error occurred:\nThe server experienced an internal error :: boom\nAsk for help or search for solutions at https://community.letsencrypt.org.');
    assert.equal(ca.cause, 'ca');
    assert.match(ca.message, /The CA said:\n {2}The server experienced an internal error :: boom$/);
  });
});
