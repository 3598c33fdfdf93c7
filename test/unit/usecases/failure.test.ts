import assert from 'node:assert/strict';
import { runFailure } from '../../../src/core/usecases/failure';

const failed = { ok: false, cancelled: false, error: 'web2:22: the app did not start', failedStep: 'restart' };

describe('use case: a run\'s failure, structured for the editor', () => {
  it('a success or a cancel is no failure', () => {
    assert.equal(runFailure({ ok: true, cancelled: false, hosts: [] }), undefined);
    assert.equal(runFailure({ ok: false, cancelled: true, error: 'cancelled', hosts: [] }), undefined);
  });

  it('the host with its own error, with its file, line and what the app said', () => {
    const f = runFailure({ ...failed, hosts: [{ host: 'web1:22' }, { host: 'web2:22', error: {
      message: 'exit 1', step: 'restart', host: 'web2:22', file: 'config/runtime.exs', line: 12, appSays: ['** (RuntimeError) boom'] } }] });
    assert.deepEqual(f, { message: 'web2:22: the app did not start (step restart)', step: 'restart', host: 'web2:22',
      file: 'config/runtime.exs', line: 12, appSays: ['** (RuntimeError) boom'] });
  });

  it('no host error: the host the run\'s error names, and the first project path the app\'s words name', () => {
    const f = runFailure({ ...failed, error: 'web2:22: (shop 0.1.0) lib/shop/application.ex:20: no DATABASE_URL', hosts: [{ host: 'web1:22' }, { host: 'web2:22' }] });
    assert.deepEqual([f?.host, f?.file, f?.line], ['web2:22', 'lib/shop/application.ex', 20]);
  });

  it('a run-level failure naming no host has none, and the fallback message when the run gave none', () => {
    const f = runFailure({ ok: false, cancelled: false, hosts: [{ host: 'web1:22' }] }, 'setup failed');
    assert.deepEqual(f, { message: 'setup failed', step: '' });
  });
});
