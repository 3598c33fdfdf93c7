import assert from 'node:assert/strict';
import { failureLocation } from '../../../src/core/deploy/failureLocation';

describe('the project file and line a failure names', () => {
  it('finds runtime.exs in a raise from the release', () => {
    assert.deepEqual(failureLocation('migrate failed on web1: ** (RuntimeError) config/runtime.exs:27: environment variable DATABASE_URL is missing.'),
      { file: 'config/runtime.exs', line: 27 });
  });
  it('finds a module in a stack line', () => {
    assert.deepEqual(failureLocation('    (shop 0.1.0) lib/shop/application.ex:20: Shop.Application.start/2'), { file: 'lib/shop/application.ex', line: 20 });
  });
  it('ignores paths outside the project and messages without one', () => {
    assert.equal(failureLocation('(elixir 1.14.0) lib/../../etc/passwd.ex:1: x'), undefined);
    assert.equal(failureLocation('/usr/lib/erlang/lib/kernel.ex:3: x'), undefined);
    assert.equal(failureLocation('health check failed: 502 from 127.0.0.1:4001'), undefined);
  });
});
