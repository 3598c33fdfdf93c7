import assert from 'node:assert/strict';
import { rollbackTarget, selectForCleanup } from '../../../src/core/remote/cleanup';

const id = (n: number) => `2026010${n}T000000Z-0.1.0-abc1234`;
const all = [1, 2, 3, 4, 5, 6].map(id);

describe('cleanup selection', () => {
  it('keeps the newest N by id, whatever order they are listed in', () => {
    assert.deepEqual(selectForCleanup({ releases: [...all].reverse(), current: id(6), keep: 3 }), [id(1), id(2), id(3)]);
  });

  it('never deletes the current release or its rollback target, even when they are old', () => {
    assert.deepEqual(selectForCleanup({ releases: all, current: id(2), keep: 2 }), [id(3), id(4)]);
  });

  it('keeps protected ids and never touches names that are not release ids', () => {
    const releases = [...all, 'backup', 'odd?name', '..'];
    assert.deepEqual(selectForCleanup({ releases, current: id(6), keep: 2, protect: [id(1)] }), [id(2), id(3), id(4)]);
  });

  it('deletes nothing when there are no more than N, or no current', () => {
    assert.deepEqual(selectForCleanup({ releases: all.slice(0, 2), current: id(2), keep: 5 }), []);
    assert.deepEqual(selectForCleanup({ releases: all, current: undefined, keep: 4 }), [id(1), id(2)]);
  });

  it('the rollback target is the release before current by id, not by listing order', () => {
    assert.equal(rollbackTarget([id(5), id(1), id(3)], id(5)), id(3));
    assert.equal(rollbackTarget([id(1)], id(1)), undefined);
    assert.equal(rollbackTarget(all, undefined), undefined);
    assert.equal(rollbackTarget(['junk', id(2)], id(4)), id(2));
  });
});
