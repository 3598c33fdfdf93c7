/**
 * Host resolution from `ssh -G` output (captured from OpenSSH 9.2 here), the precedence between
 * deploy.yml, the ssh config and the defaults, and ProxyJump chains. The real `ssh -G` runs in
 * test/integration/openssh.test.ts and bastion.test.ts.
 */
import assert from 'node:assert/strict';
import type { HostConfig } from '../../../src/core/config/types';
import { keyRoute } from '../../../src/core/ssh/chain';
import { hostKeyRefusal } from '../../../src/core/ssh/knownHosts';
import { parseSshG, sshGArgs, UNSET_USER, wrapperConfig, type SshQuery, type SshResolution } from '../../../src/core/ssh/openssh';
import { opensshArgs } from '../../../src/core/ssh/opensshCommand';
import { expandIdentityFile, parseJumpEntry, resolveTarget, type ResolvedTarget } from '../../../src/core/ssh/target';
import { describeTarget } from '../../../src/core/ssh/targetText';
import { parseUnknownHost } from '../../../src/core/ssh/trust';

// `ssh -F cap -G app-1` (most lines cut), for a Host block with User, HostName, ProxyJump, two IdentityFiles, ...
const CAPTURED = `host app-1
user ops
hostname pd12-app1
port 22
addressfamily any
batchmode no
stricthostkeychecking ask
serveraliveinterval 9
ciphers chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com
identityfile ~/.ssh/app_%r
identityfile /keys/second
userknownhostsfile /kh/one /kh/two
connecttimeout 7
proxyjump bastion
`;

// What `ssh -G` prints for a host no config mentions (local user root).
const DEFAULTS = (host: string, user = 'root', port = 22) => `host ${host}
user ${user}
hostname ${host}
port ${port}
stricthostkeychecking ask
serveraliveinterval 0
identityfile ~/.ssh/id_rsa
identityfile ~/.ssh/id_ecdsa
identityfile ~/.ssh/id_ed25519
userknownhostsfile /root/.ssh/known_hosts /root/.ssh/known_hosts2
connecttimeout none
`;

const ctx = { home: '/home/me', localUser: 'root', exists: (p: string) => !p.includes('missing') && !p.includes('id_rsa') && !p.includes('id_ecdsa') };

/** A lookup answering from ssh config text per host, recording the queries; `configUser` as the sentinel run would find it. */
function fakeLookup(answers: Record<string, { text: string; configUser?: string }>) {
  const queries: SshQuery[] = [];
  const lookup = async (q: SshQuery): Promise<SshResolution> => {
    queries.push(q);
    const a = answers[q.host];
    if (!a) throw new Error(`no such host ${q.host}`);
    const parsed = parseSshG(a.text);
    const user = q.user ?? (q.defaultUser ? a.configUser ?? q.defaultUser : parsed.user);
    return { ...parsed, user, port: q.port ?? parsed.port, ...(q.defaultUser ? { userFromConfig: a.configUser !== undefined } : {}) };
  };
  return { lookup, queries };
}

const host = (extra: Partial<HostConfig> = {}): HostConfig => ({ host: 'app-1', primary: true, ...extra });

describe('ssh -G output', () => {
  it('reads hostname, user, port, identity files in order, known_hosts files, ProxyJump and timeouts', () => {
    assert.deepEqual(parseSshG(CAPTURED), {
      hostname: 'pd12-app1', user: 'ops', port: 22, identityFiles: ['~/.ssh/app_%r', '/keys/second'],
      userKnownHostsFiles: ['/kh/one', '/kh/two'], strictHostKeyChecking: 'ask', hostKeyAlias: undefined,
      proxyJump: 'bastion', proxyCommand: undefined, connectTimeout: 7, serverAliveInterval: 9,
    });
    const plain = parseSshG(DEFAULTS('x'));
    assert.deepEqual([plain.connectTimeout, plain.proxyJump, plain.serverAliveInterval], [undefined, undefined, 0]);
    assert.throws(() => parseSshG('user x\n'), /no hostname/);
  });

  it('asks OpenSSH with -F, -l and -p only for what is given, the host after --', () => {
    assert.deepEqual(sshGArgs({ host: 'web1' }), ['-G', '--', 'web1']);
    assert.deepEqual(sshGArgs({ host: 'web1', user: 'ops', port: 2222 }, '/c'), ['-G', '-F', '/c', '-l', 'ops', '-p', '2222', '--', 'web1']);
  });

  it('wraps the config to tell whether a User applies: the same files, then a sentinel', () => {
    assert.equal(wrapperConfig('/p/ssh_config'), `Include "/p/ssh_config"\nMatch all\n  User ${UNSET_USER}\n`);
    assert.equal(wrapperConfig(undefined, '/home/me'), `Include "/home/me/.ssh/config"\nInclude "/etc/ssh/ssh_config"\nMatch all\n  User ${UNSET_USER}\n`);
    assert.equal(wrapperConfig('none'), `Match all\n  User ${UNSET_USER}\n`);
    assert.throws(() => wrapperConfig('/a"b'), /double quote/);
  });

  it('expands ~ and the IdentityFile tokens ssh -G leaves as written', () => {
    const t = { home: '/home/me', localUser: 'me', host: 'pd12-app1', port: 2222, user: 'ops', alias: 'app-1' };
    assert.equal(expandIdentityFile('~/.ssh/%r@%h:%p-%n-%u-%%-%d', t), '/home/me/.ssh/ops@pd12-app1:2222-app-1-me-%-/home/me');
    assert.equal(expandIdentityFile('/k/%C', t), '/k/%C');
  });
});

describe('resolving a host (precedence and sources)', () => {
  it('uses the ssh config for what deploy.yml does not write, and says so', async () => {
    const { lookup, queries } = fakeLookup({
      'app-1': { text: CAPTURED, configUser: 'ops' },
      bastion: { text: DEFAULTS('10.0.0.5', 'jump').replace('hostname 10.0.0.5', 'hostname 10.0.0.5\nhostkeyalias bastion-key') },
    });
    const t = await resolveTarget(host(), {}, lookup, ctx, '/cfg');
    assert.deepEqual(queries[0], { host: 'app-1', port: undefined, defaultUser: 'deploy' });
    assert.deepEqual(t.target, { host: 'pd12-app1', port: 22, user: 'ops' });
    assert.deepEqual(t.sources, { user: 'ssh config', hostName: 'ssh config', port: 'default', identityFiles: 'ssh config', knownHosts: 'ssh config' });
    assert.deepEqual(t.identityFiles, ['/home/me/.ssh/app_ops', '/keys/second']);
    assert.deepEqual([t.knownHostsFile, t.extraKnownHostsFiles], ['/kh/one', ['/kh/two']]);
    assert.deepEqual([t.readyTimeoutMs, t.keepaliveIntervalMs, t.key, t.configFile], [7000, 9000, 'app-1', '/cfg']);
    assert.equal(t.jumps.length, 1);
    assert.deepEqual([t.jumps[0].alias, t.jumps[0].target, t.jumps[0].hostKeyAlias], ['bastion', { host: '10.0.0.5', port: 22, user: 'jump' }, 'bastion-key']);
    assert.deepEqual(t.jumps[0].identityFiles, ['/home/me/.ssh/id_ed25519'], 'missing default identities are skipped');
  });

  it('lets deploy.yml win: the host\'s user, then the environment\'s, its port, identity_file and known_hosts', async () => {
    const { lookup, queries } = fakeLookup({ 'app-1': { text: CAPTURED.replace('proxyjump bastion\n', ''), configUser: 'ops' } });
    const t = await resolveTarget(host({ user: 'root', userFrom: 'host', port: 2201 }), { identityFile: '~/id', knownHosts: '/kh' }, lookup, ctx);
    assert.deepEqual(queries[0], { host: 'app-1', user: 'root', port: 2201 }, 'written values go to OpenSSH as -l and -p, which win over the config there too');
    assert.deepEqual([t.target.user, t.target.port, t.identityFiles, t.knownHostsFile, t.extraKnownHostsFiles], ['root', 2201, ['/home/me/id'], '/kh', []]);
    assert.deepEqual(t.sources, { user: 'deploy.yml host', hostName: 'ssh config', port: 'deploy.yml host', identityFiles: 'deploy.yml environment', knownHosts: 'deploy.yml environment' });
    assert.equal(t.key, 'app-1:2201');
    const env = await resolveTarget(host({ user: 'deploy', userFrom: 'environment' }), {}, lookup, ctx);
    assert.deepEqual([env.target.user, env.sources.user], ['deploy', 'deploy.yml environment']);
  });

  it('falls back to deploy, port 22 and OpenSSH\'s default files when nothing names them', async () => {
    const { lookup } = fakeLookup({ '127.0.0.1': { text: DEFAULTS('127.0.0.1') } });
    const t = await resolveTarget({ host: '127.0.0.1', primary: false }, {}, lookup, ctx);
    assert.deepEqual(t.target, { host: '127.0.0.1', port: 22, user: 'deploy' });
    assert.deepEqual(t.sources, { user: 'default', hostName: 'deploy.yml host', port: 'default', identityFiles: 'default', knownHosts: 'default' });
    assert.deepEqual(t.jumps, []);
  });

  it('applies a config User equal to the local user (root), which the output alone cannot tell from the default', async () => {
    const { lookup } = fakeLookup({ box: { text: DEFAULTS('box'), configUser: 'root' } });
    const t = await resolveTarget({ host: 'box', primary: true }, {}, lookup, ctx);
    assert.deepEqual([t.target.user, t.sources.user], ['root', 'ssh config']);
  });

  it('names the host when OpenSSH cannot resolve it', async () => {
    const lookup = async () => { throw new Error('ssh -G could not resolve app-1: Bad configuration option'); };
    await assert.rejects(resolveTarget(host(), {}, lookup, ctx), (e: Error & { detail?: { host?: string } }) => e.detail?.host === 'app-1' && /Bad configuration/.test(e.message));
  });
});

describe('ProxyJump chains', () => {
  const chainOf = (t: ResolvedTarget) => t.jumps.map((j) => `${j.target.user}@${j.target.host}:${j.target.port}`);

  it('reaches a, then b: the first entry keeps its own ProxyJump, the list replaces the later ones\'', async () => {
    const { lookup, queries } = fakeLookup({
      'app-1': { text: DEFAULTS('10.1.0.7').replace('host 10.1.0.7', 'host app-1') + 'proxyjump a,ops@b:2222\n' },
      a: { text: `${DEFAULTS('a.example.com')}proxyjump edge\n` },
      edge: { text: DEFAULTS('edge.example.com', 'root', 2200) },
      b: { text: `${DEFAULTS('b.internal')}proxyjump ignored-by-openssh\n` },
    });
    const t = await resolveTarget(host(), {}, lookup, ctx);
    assert.deepEqual(chainOf(t), ['root@edge.example.com:2200', 'root@a.example.com:22', 'ops@b.internal:2222']);
    assert.deepEqual(t.jumps.map((j) => j.alias), ['edge', 'a', 'b']);
    assert.ok(!queries.some((q) => q.host === 'ignored-by-openssh'));
    assert.deepEqual(queries.find((q) => q.host === 'b'), { host: 'b', user: 'ops', port: 2222 });
  });

  it('parses [user@]host[:port], ssh:// and bracketed IPv6; refuses tokens and garbage', () => {
    assert.deepEqual(parseJumpEntry('bastion'), { host: 'bastion' });
    assert.deepEqual(parseJumpEntry('ssh://ops@10.0.0.5:2222'), { host: '10.0.0.5', user: 'ops', port: 2222 });
    assert.deepEqual(parseJumpEntry('[fd00::5]:22'), { host: 'fd00::5', port: 22 });
    assert.throws(() => parseJumpEntry('jump-%h'), /% tokens/);
    assert.throws(() => parseJumpEntry('a b'), /not \[user@\]host\[:port\]/);
    assert.throws(() => parseJumpEntry('h:99999'), /not \[user@\]host/);
  });

  it('stops a ProxyJump loop in the config', async () => {
    const { lookup } = fakeLookup({ 'app-1': { text: `${DEFAULTS('app-1')}proxyjump loop\n` }, loop: { text: `${DEFAULTS('loop')}proxyjump loop\n` } });
    await assert.rejects(resolveTarget(host(), {}, lookup, ctx), /more than 8 bastions/);
  });
});

describe('how a jumped host is shown and checked', () => {
  const resolved = async () => {
    const { lookup } = fakeLookup({
      'app-1': { text: CAPTURED, configUser: 'ops' },
      bastion: { text: DEFAULTS('127.0.0.1', 'deploy', 2400).replace('stricthostkeychecking ask', 'stricthostkeychecking accept-new') },
    });
    return resolveTarget(host(), {}, lookup, ctx, '/cfg/ssh_config');
  };

  it('--dry-run names user, host name, port and jump chain with their sources', async () => {
    const lines = describeTarget(await resolved());
    assert.match(lines[0], /^ssh ops@pd12-app1 -p 22 \(known_hosts \/kh\/one as pd12-app1; ssh-agent, then \/home\/me\/\.ssh\/app_ops, \/keys\/second\) via bastion$/);
    assert.match(lines[1], /ssh -G -F \/cfg\/ssh_config: user ops \(ssh config\), host name pd12-app1 \(ssh config\), port 22 \(default\), .*jump chain bastion \(ssh config ProxyJump\)/);
    assert.match(lines[2], /jump 1: bastion = deploy@127\.0\.0\.1 -p 2400 \(known_hosts \/root\/\.ssh\/known_hosts as \[127\.0\.0\.1\]:2400; .*StrictHostKeyChecking accept-new is not followed/);
  });

  it('a refusal behind a bastion names the route and the OpenSSH command that adds the key the same way', async () => {
    const t = await resolved();
    const route = keyRoute(t, t.jumps, t);
    assert.equal(route.label, 'app-1 via bastion');
    const args = opensshArgs(t, t.jumps, t.configFile, ['-o', 'StrictHostKeyChecking=ask']);
    assert.deepEqual(args, ['-F', '/cfg/ssh_config', '-o', 'StrictHostKeyChecking=ask', '-o', 'UserKnownHostsFile=/kh/one /kh/two',
      '-i', '/home/me/.ssh/app_ops', '-i', '/keys/second', '-J', 'deploy@bastion:2400', '-l', 'ops', '-p', '22', '--', 'app-1']);
    const unknown = hostKeyRefusal({ status: 'unknown', fingerprint: 'SHA256:abc', keyType: 'ssh-ed25519', lines: [] }, 'pd12-app1', 22, '/kh/one', route);
    assert.match(unknown, /^pd12-app1:22 \(app-1 via bastion\) is not in \/kh\/one; .* add it with: ssh -F \/cfg\/ssh_config .* -J deploy@bastion:2400 .* app-1$/);
    assert.equal(parseUnknownHost(unknown), undefined, 'ssh-keyscan from here cannot reach it: the editor must not offer that');
    const changed = hostKeyRefusal({ status: 'changed', fingerprint: 'SHA256:abc', keyType: 'ssh-ed25519', lines: [3] }, 'pd12-app1', 22, '/kh/one', route);
    assert.match(changed, /^HOST KEY CHANGED for pd12-app1:22 \(app-1 via bastion\)/);
    assert.deepEqual(keyRoute(t.jumps[0], [], t), {}, 'the first bastion is reached from here: the plain refusal, ssh-keyscan works');
  });

  it('the first bastion is reached from here: its unknown-key refusal still parses for "trust this host"', () => {
    const verdict = { status: 'unknown' as const, fingerprint: 'SHA256:abc', keyType: 'ssh-ed25519', lines: [] };
    const message = `bastion b (127.0.0.1:2400) on the way to app-1: ${hostKeyRefusal(verdict, '127.0.0.1', 2400, '/kh/b')}`;
    assert.deepEqual(parseUnknownHost(message), { host: '127.0.0.1', port: 2400, knownHostsFile: '/kh/b', keyType: 'ssh-ed25519', fingerprint: 'SHA256:abc' });
    assert.deepEqual(parseUnknownHost(hostKeyRefusal(verdict, '::1', 2400, '/kh')), { host: '::1', port: 2400, knownHostsFile: '/kh', keyType: 'ssh-ed25519', fingerprint: 'SHA256:abc' });
  });
});
