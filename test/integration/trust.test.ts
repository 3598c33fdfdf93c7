import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { hostKeyRefusal, parseKnownHosts, verifyHostKey } from '../../src/core/ssh/knownHosts';
import { parseUnknownHost, trustHostKey } from '../../src/core/ssh/trust';
import { REPO_ROOT } from '../support/paths';

const HOSTS = path.join(REPO_ROOT, 'scripts', 'testbed', 'hosts.sh');
const PORT = 2222;

describe('trusting an unknown host after seeing its fingerprint (real sshd)', function () {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'phx-trust-'));
  const knownHosts = path.join(dir, 'known_hosts');
  let fingerprint: string;

  before(() => {
    execFileSync('bash', [HOSTS, 'start', 'trust', String(PORT)]);
    const line = execFileSync('ssh-keyscan', ['-t', 'ed25519', '-p', String(PORT), '127.0.0.1'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    fingerprint = execFileSync('ssh-keygen', ['-lf', '-'], { input: line, encoding: 'utf8' }).split(' ')[1];
  });

  after(() => execFileSync('bash', [HOSTS, 'stop', 'trust']));

  it('parses the refusal, re-fetches the key, checks the fingerprint and appends the entry', async () => {
    const message = hostKeyRefusal({ status: 'unknown', fingerprint, keyType: 'ssh-ed25519', lines: [] }, '127.0.0.1', PORT, knownHosts);
    const unknown = parseUnknownHost(message);
    assert.deepEqual(unknown, { host: '127.0.0.1', port: PORT, knownHostsFile: knownHosts, keyType: 'ssh-ed25519', fingerprint });
    await trustHostKey(unknown!);
    const entries = parseKnownHosts(readFileSync(knownHosts, 'utf8'));
    assert.equal(entries.length, 1);
    assert.equal(entries[0].hosts, `[127.0.0.1]:${PORT}`);
    const blob = Buffer.from(entries[0].key, 'base64');
    assert.equal(verifyHostKey(entries, '127.0.0.1', PORT, blob).status, 'trusted');
  });

  it('refuses when the host now presents a different key than the one shown', async () => {
    writeFileSync(knownHosts, '');
    const wrong = { host: '127.0.0.1', port: PORT, knownHostsFile: knownHosts, keyType: 'ssh-ed25519', fingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
    await assert.rejects(trustHostKey(wrong), /different key/);
    assert.equal(readFileSync(knownHosts, 'utf8'), '');
  });
});
