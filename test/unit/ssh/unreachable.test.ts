import assert from 'node:assert/strict';
import { whyUnreachable } from '../../../src/core/ssh/unreachable';

describe('why a host is unreachable, from the message the connection failed with', () => {
  const cases: Array<[string, string]> = [
    ['cannot connect to deploy@web1.invalid:22: getaddrinfo ENOTFOUND web1.invalid', 'dns'],
    ['cannot connect to deploy@127.0.0.1:2639: connect ECONNREFUSED 127.0.0.1:2639', 'refused'],
    ['deploy@10.0.0.9:22 did not complete the SSH handshake in time', 'timeout'],
    ['cannot connect to deploy@10.0.0.9:22: connect EHOSTUNREACH 10.0.0.9:22', 'timeout'],
    ['127.0.0.1:2634 is not in /tmp/k; refusing to connect to an unknown host. It presented ssh-ed25519 key SHA256:abc. After…', 'host-key'],
    ['HOST KEY CHANGED for 127.0.0.1:2634: it presented ssh-ed25519 key SHA256:abc, which does not match /tmp/k line 1.', 'host-key'],
    ['deploy@127.0.0.1:2634 refused authentication; tried /tmp/id (publickey)', 'auth'],
    ['something else entirely\nsecond line', 'other'],
  ];
  for (const [message, reason] of cases) {
    it(`${reason}: ${message.slice(0, 60)}`, () => {
      const why = whyUnreachable(message);
      assert.equal(why.reason, reason);
      assert.ok(why.summary.length > 0 && !why.summary.includes('\n'));
    });
  }
});
