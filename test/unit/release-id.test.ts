import * as assert from 'node:assert/strict';
import { makeReleaseId, parseReleaseId } from '../../src/core/release/id';

describe('release ids', () => {
  it('hold a UTC timestamp, the version and the short commit, and sort in time order', () => {
    const a = makeReleaseId(new Date('2026-11-26T11:24:00.123Z'), '0.1.0', 'ABCDEF1234567');
    assert.equal(a, '20261126T112400Z-0.1.0-abcdef1');
    assert.deepEqual(parseReleaseId(a), { timestamp: '20261126T112400Z', version: '0.1.0', commit: 'abcdef1' });
    const b = makeReleaseId(new Date('2026-11-26T11:24:01Z'), '0.0.9', '0000000');
    assert.deepEqual([b, a].sort(), [a, b]);
  });

  it('does not parse odd names', () => {
    for (const id of ['current', '20261126-0.1.0-abc', '../x', '20261126T112400Z-0.1.0-xyz1234']) assert.equal(parseReleaseId(id), undefined, id);
  });
});
