import assert from 'node:assert/strict';
import {
  fingerprintOf, hostFieldMatches, hostKeyRefusal, keyTypeOf, knownHostName, knownKeyTypes, parseKnownHosts, verifyHostKey, wildcardMatch,
} from '../../../src/core/ssh/knownHosts';

// Made with ssh-keygen: two ed25519 host keys; HASHED is `ssh-keygen -H` of "[127.0.0.1]:2240 K1" and "web.example.com K1".
const K1 = 'AAAAC3NzaC1lZDI1NTE5AAAAIKrBWiYfMTCxuFXyZUiIKj7cmmycWE1W+8npyV4FMv7r';
const K1_FP = 'SHA256:8wf0zKJhqRQGj7aP8U5viPlTRXS8R3BAaj36k9XgFs8';
const K2 = 'AAAAC3NzaC1lZDI1NTE5AAAAICP6RfMvbZF/RVaKD0wbWEWomstfUrW6bErIMTwPKGw9';
const HASHED = `|1|Vk6bjGM98+UFFFOIuw2spYn6beM=|AmXYBro2kPfugBEfQU7b/unKvWU= ssh-ed25519 ${K1}
|1|LTITc5g+J9qDrBp913DKNrS40Y0=|2dQ8smw3NCPelAh74Na6QJJqxoc= ssh-ed25519 ${K1}
`;
const blob = (k: string) => Buffer.from(k, 'base64');
const verify = (text: string, host: string, port: number, key: string) => verifyHostKey(parseKnownHosts(text), host, port, blob(key));

describe('known_hosts', () => {
  it('parses plain, hashed, marker, comment and malformed lines without throwing', () => {
    const entries = parseKnownHosts(`# comment\n\n[127.0.0.1]:2240 ssh-ed25519 ${K1} c\n@cert-authority *.ex.com ssh-ed25519 ${K2}\n` +
      `@revoked * ssh-ed25519 ${K2}\n@unknown-marker h ssh-ed25519 ${K1}\nonly-two fields\nh ssh-ed25519 not*base64\n${HASHED}`);
    assert.deepEqual(entries.map((e) => [e.line, e.marker, e.hosts.slice(0, 10)]), [
      [3, undefined, '[127.0.0.1'], [4, 'cert-authority', '*.ex.com'], [5, 'revoked', '*'], [9, undefined, '|1|Vk6bjGM'], [10, undefined, '|1|LTITc5g'],
    ]);
  });

  it('computes fingerprints and key types like ssh-keygen -l', () => {
    assert.equal(fingerprintOf(blob(K1)), K1_FP);
    assert.equal(keyTypeOf(blob(K1)), 'ssh-ed25519');
    assert.equal(keyTypeOf(Buffer.alloc(2)), 'unknown');
  });

  it('names hosts the way OpenSSH does', () => {
    assert.equal(knownHostName('127.0.0.1', 22), '127.0.0.1');
    assert.equal(knownHostName('127.0.0.1', 2240), '[127.0.0.1]:2240');
    assert.equal(knownHostName('[::1]', 2240), '[::1]:2240');
  });

  it('trusts plain [host]:port entries and comma lists, only for the right port', () => {
    assert.equal(verify(`[127.0.0.1]:2240 ssh-ed25519 ${K1}`, '127.0.0.1', 2240, K1).status, 'trusted');
    assert.equal(verify(`[127.0.0.1]:2240 ssh-ed25519 ${K1}`, '127.0.0.1', 2241, K1).status, 'unknown');
    assert.equal(verify(`web,web.example.com,10.0.0.5 ssh-ed25519 ${K1}`, 'web.example.com', 22, K1).status, 'trusted');
    assert.equal(verify(`WEB.example.com ssh-ed25519 ${K1}`, 'web.EXAMPLE.com', 22, K1).status, 'trusted');
  });

  it('trusts hashed entries, for both [host]:port and plain names', () => {
    const v = verify(HASHED, '127.0.0.1', 2240, K1);
    assert.deepEqual(v, { status: 'trusted', fingerprint: K1_FP, keyType: 'ssh-ed25519', lines: [1] });
    assert.equal(verify(HASHED, 'web.example.com', 22, K1).status, 'trusted');
    assert.equal(verify(HASHED, '127.0.0.1', 2241, K1).status, 'unknown');
    assert.equal(hostFieldMatches('|1|broken', 'x'), false);
  });

  it('reports a changed key for a known host, plain or hashed', () => {
    assert.deepEqual(verify(HASHED, '127.0.0.1', 2240, K2).status, 'changed');
    const v = verify(`[127.0.0.1]:2240 ssh-ed25519 ${K1}`, '127.0.0.1', 2240, K2);
    assert.deepEqual([v.status, v.lines], ['changed', [1]]);
  });

  it('refuses a revoked key even where a line trusts it; ignores cert authorities', () => {
    assert.equal(verify(`[127.0.0.1]:2240 ssh-ed25519 ${K1}\n@revoked * ssh-ed25519 ${K1}`, '127.0.0.1', 2240, K1).status, 'revoked');
    assert.equal(verify(`@cert-authority * ssh-ed25519 ${K1}`, '127.0.0.1', 2240, K1).status, 'unknown');
    assert.equal(verify(`@revoked * ssh-ed25519 ${K2}\n[127.0.0.1]:2240 ssh-ed25519 ${K1}`, '127.0.0.1', 2240, K1).status, 'trusted');
  });

  it('matches wildcards and negations', () => {
    assert.equal(wildcardMatch('*.example.com', 'a.example.com'), true);
    assert.equal(wildcardMatch('10.0.0.?', '10.0.0.12'), false);
    assert.equal(wildcardMatch('[127.0.0.1]:22??', '[127.0.0.1]:2240'), true);
    assert.equal(hostFieldMatches('*.example.com,!bad.example.com', 'bad.example.com'), false);
    assert.equal(hostFieldMatches('*.example.com,!bad.example.com', 'good.example.com'), true);
  });

  it('lists the key types known for a host, so the client can prefer them', () => {
    assert.deepEqual(knownKeyTypes(parseKnownHosts(`${HASHED}h ecdsa-sha2-nistp256 ${K2}\n@revoked * ssh-rsa ${K2}`), '127.0.0.1', 2240), ['ssh-ed25519']);
  });

  it('explains refusals with the fingerprint and the fix', () => {
    const unknown = hostKeyRefusal(verify('', '127.0.0.1', 2240, K1), '127.0.0.1', 2240, '/k/known_hosts');
    assert.match(unknown, /127\.0\.0\.1:2240 is not in \/k\/known_hosts/);
    assert.ok(unknown.includes(K1_FP));
    assert.ok(unknown.includes('ssh-keyscan -p 2240 127.0.0.1 >> /k/known_hosts'));
    const changed = hostKeyRefusal(verify(HASHED, '127.0.0.1', 2240, K2), '127.0.0.1', 2240, '/k/known_hosts');
    assert.match(changed, /^HOST KEY CHANGED for 127\.0\.0\.1:2240: .* line 1\. Refusing to connect/);
    assert.match(hostKeyRefusal(verify(`@revoked * ssh-ed25519 ${K1}`, 'h', 22, K1), 'h', 22, 'f'), /marks @revoked \(line 1\)/);
  });
});
