import assert from 'node:assert/strict';
import { runSetup } from '../../../src/core/setup';
import { renderCommand, type Command } from '../../../src/core/shell';
import type { SshConnection } from '../../../src/core/ssh/connection';
import { directTarget } from '../../support/targets';

/** A host where only `sudo -n true` is expected; it answers with `sudoCode`. Anything else fails loudly. */
function host(name: string, sudoCode: number): SshConnection {
  return {
    target: { host: name, port: 22, user: 'admin' }, name, fingerprint: 'SHA256:x',
    async exec(command: Command | string) {
      const text = typeof command === 'string' ? command : renderCommand(command);
      if (text === 'sudo -n true') return { code: sudoCode, stdout: '', stderr: sudoCode === 0 ? '' : 'sudo: a password is required' };
      throw new Error(`unexpected command on ${name}: ${text}`);
    },
    async channel() { throw new Error('no'); },
    async httpGet() { throw new Error('no'); },
    async close() {},
  };
}

describe('setup: each failing host\'s error in the result', () => {
  it('names the host, the step and the message, per host, for --json; a host that did not fail has none', async () => {
    const environment = {
      name: 'production', user: 'deploy', deployTo: '/opt/shop', keepReleases: 3, ssh: {}, service: 'systemd' as const,
      hosts: [{ host: 'web1', port: 22, user: 'deploy', primary: true }, { host: 'web2', port: 22, user: 'deploy', primary: false }, { host: 'web3', port: 22, user: 'deploy', primary: false }],
    };
    const result = await runSetup({
      environment, app: 'shop', admin: 'admin', identity: { who: 'me', developer: 'me', localHost: 'l', pid: 1 },
      targets: [directTarget('web1:22', 'web1', 22), directTarget('web2:22', 'web2', 22, { primary: false }), directTarget('web3:22', 'web3', 22, { primary: false })],
      deps: { connect: async (t) => host(t.target.host, t.target.host === 'web1' ? 0 : 1) },
      confirm: async () => true,
    }, () => undefined, new AbortController().signal);
    assert.deepEqual([result.ok, result.failedStep], [false, 'rights']);
    const json = JSON.parse(JSON.stringify(result)) as typeof result;
    assert.equal(json.hosts[0].error, undefined);
    for (const [i, key] of [[1, 'web2:22'], [2, 'web3:22']] as const) {
      const error = json.hosts[i].error!;
      assert.deepEqual([error.host, error.step], [key, 'rights']);
      assert.match(error.message, new RegExp(`admin may not run commands as root without a password on ${key} \\(sudo said: sudo: a password is required\\)`));
    }
  });
});
