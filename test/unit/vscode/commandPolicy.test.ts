import assert from 'node:assert/strict';
import { failureReport, trustRefusal } from '../../../src/vscode/commandPolicy';
import { CancelledError, UserError } from '../../../src/core/errors';

const explain = (what: string) => `${what} is disabled in Restricted Mode`;

describe('editor command wrapper: trust, cancel and error decisions', () => {
  it('refuses a command that needs trust in an untrusted workspace, naming what it does; all else runs', () => {
    assert.deepEqual(trustRefusal('Deploying', false, explain), { refused: 'restricted-mode', message: 'Deploying is disabled in Restricted Mode' });
    assert.equal(trustRefusal('Deploying', true, explain), undefined);
    assert.equal(trustRefusal(undefined, false, explain), undefined, 'a command that only reads files runs in Restricted Mode');
  });

  it('a cancel is never reported: CancelledError, by class or by name, and AbortError', () => {
    assert.equal(failureReport(new CancelledError(), true), undefined);
    assert.equal(failureReport(Object.assign(new Error('cancelled'), { name: 'CancelledError' }), true), undefined);
    assert.equal(failureReport(Object.assign(new Error('aborted'), { name: 'AbortError' }), true), undefined);
  });

  it('an error pointing at a file offers Open File at its line; Retry only when the caller can retry', () => {
    const report = failureReport(new UserError('config/deploy.yml:4: bad key', { file: 'config/deploy.yml', line: 4, host: 'web1:22' }), false);
    assert.deepEqual(report, { message: 'config/deploy.yml:4: bad key', buttons: ['open-file'], file: 'config/deploy.yml', line: 4, host: 'web1:22' });
    assert.deepEqual(failureReport(new Error('boom'), true)?.buttons, ['retry']);
  });

  it('a failed run\'s structured failure keeps its host, file and line (the editor\'s Show Logs and Open File)', () => {
    const report = failureReport({ message: 'deploy failed (step restart)', step: 'restart', host: 'web2:22', file: 'config/runtime.exs', line: 12 }, true);
    assert.deepEqual(report, { message: 'deploy failed (step restart)', buttons: ['open-file', 'retry'], file: 'config/runtime.exs', line: 12, host: 'web2:22' });
  });

  it('an unknown host key offers Trust Host…, with the key it presented', () => {
    const report = failureReport(new Error('127.0.0.1:2634 is not in /tmp/k; refusing to connect to an unknown host. It presented ssh-ed25519 key SHA256:abc. After…'), true);
    assert.deepEqual(report?.buttons, ['trust-host', 'retry']);
    assert.deepEqual(report?.unknownHost, { host: '127.0.0.1', port: 2634, knownHostsFile: '/tmp/k', keyType: 'ssh-ed25519', fingerprint: 'SHA256:abc' });
  });
});
