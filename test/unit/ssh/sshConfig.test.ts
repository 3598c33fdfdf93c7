import assert from 'node:assert/strict';
import { parseSshConfig, resolveSshHost } from '../../../src/core/ssh/sshConfig';
import { resolveTarget } from '../../../src/core/ssh/target';

const CONFIG = `
# global
ServerAliveInterval 30
Host web1 web1.prod
  HostName 10.0.0.11
  User ops
  Port 2222
  IdentityFile ~/.ssh/prod_%h
  IdentityFile "/keys/with space"
Host *.internal !bastion.internal
  ProxyJump bastion.internal
  User=fallback
Match host web1
  User ignored
Host *
  IdentityFile ~/.ssh/id_default
  UserKnownHostsFile ~/.ssh/known_hosts_%r other
  Port 2200
`;

describe('~/.ssh/config', () => {
  const blocks = parseSshConfig(CONFIG);

  it('resolves an alias: first value wins, IdentityFiles accumulate, tokens and ~ expand, Match is skipped', () => {
    assert.deepEqual(resolveSshHost(blocks, 'web1', '/home/me', 'me'), {
      hostName: '10.0.0.11', user: 'ops', port: 2222,
      identityFiles: ['/home/me/.ssh/prod_10.0.0.11', '/keys/with space', '/home/me/.ssh/id_default'],
      userKnownHostsFile: '/home/me/.ssh/known_hosts_ops', proxyJump: undefined,
    });
  });

  it('honours wildcards, negation and key=value syntax', () => {
    const db = resolveSshHost(blocks, 'db.internal', '/h');
    assert.deepEqual([db.user, db.proxyJump, db.port, db.hostName], ['fallback', 'bastion.internal', 2200, undefined]);
    assert.equal(resolveSshHost(blocks, 'bastion.internal', '/h').proxyJump, undefined);
  });

  it('is empty for an empty file', () => {
    assert.deepEqual(resolveSshHost(parseSshConfig(''), 'x', '/h'), { hostName: undefined, user: undefined, port: undefined, identityFiles: [], userKnownHostsFile: undefined, proxyJump: undefined });
  });

  it('feeds deploy targets: deploy.yml wins, ssh config fills the gaps', () => {
    const ctx = { home: '/home/me', localUser: 'me', sshConfig: blocks, exists: (p: string) => p === '/home/me/.ssh/id_default' };
    const host = { host: 'web1', port: 22, user: 'deploy', primary: true };
    assert.deepEqual(resolveTarget(host, {}, ctx), {
      key: 'web1:22', target: { host: '10.0.0.11', port: 2222, user: 'deploy' }, primary: true,
      identityFile: '/home/me/.ssh/id_default', knownHostsFile: '/home/me/.ssh/known_hosts_ops', proxyJump: undefined,
    });
    const explicit = resolveTarget({ ...host, port: 2201 }, { identityFile: '~/k', knownHosts: '/kh' }, ctx);
    assert.deepEqual([explicit.target.port, explicit.identityFile, explicit.knownHostsFile], [2201, '/home/me/k', '/kh']);
    const plain = resolveTarget({ host: '127.0.0.1', port: 2240, user: 'deploy', primary: false }, {}, { ...ctx, sshConfig: [], exists: () => false });
    assert.deepEqual([plain.target.host, plain.identityFile, plain.knownHostsFile], ['127.0.0.1', undefined, '/home/me/.ssh/known_hosts']);
  });
});
