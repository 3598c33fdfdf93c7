import assert from 'node:assert/strict';
import { selectForCleanup } from '../../../src/core/remote/cleanup';
import { chooseRollback, liveHistory, previousById } from '../../../src/core/remote/history';
import type { DeployRecord } from '../../../src/core/remote/log';

const id = (n: number) => `2026010${n}T000000Z-0.1.0-abc1234`;
const all = [1, 2, 3, 4, 5, 6].map(id);
let clock = 0;
const rec = (kind: DeployRecord['kind'], to: string, previous?: string, outcome: DeployRecord['outcome'] = 'success'): DeployRecord => ({
  kind, id: to, previous, outcome, commit: 'abc1234', who: `${kind}er@example.com`, when: `2026-02-01T00:00:${String(clock++).padStart(2, '0')}Z`, durations: {},
});

describe('cleanup selection', () => {
  it('keeps the newest N by id, whatever order they are listed in', () => {
    assert.deepEqual(selectForCleanup({ releases: [...all].reverse(), current: id(6), keep: 3 }), [id(1), id(2), id(3)]);
  });

  it('never deletes the current release or what a rollback returns to, even when they are old', () => {
    // No history: the rollback falls back to id order, so id(1) (before current id(2)) is kept.
    assert.deepEqual(selectForCleanup({ releases: all, current: id(2), keep: 2 }), [id(3), id(4), id(5)]);
  });

  it('keeps protected ids and never touches names that are not release ids', () => {
    const releases = [...all, 'backup', 'odd?name', '..'];
    assert.deepEqual(selectForCleanup({ releases, current: id(6), keep: 2, protect: [id(1)] }), [id(2), id(3), id(4)]);
  });

  it('deletes nothing when there are no more than N, or no current', () => {
    assert.deepEqual(selectForCleanup({ releases: all.slice(0, 2), current: id(2), keep: 5 }), []);
    assert.deepEqual(selectForCleanup({ releases: all, current: undefined, keep: 4 }), []);
    assert.deepEqual(selectForCleanup({ releases: all, current: undefined, keep: 1 }), []);
  });

  it('keeps the releases most recently live first, not the newest ids', () => {
    // 5 then 6 were deployed, then the stored older builds 1 and 2; keep 3 = current 2, then 1, then 6.
    const history = [rec('deploy', id(5)), rec('deploy', id(6), id(5)), rec('deploy', id(1), id(6)), rec('deploy', id(2), id(1))];
    assert.deepEqual(selectForCleanup({ releases: all, current: id(2), keep: 3, history }), [id(3), id(4), id(5)]);
  });
});

describe('rollback target from the live history', () => {
  it('undoes the last change: after rollback --to A, a rollback returns to what ran before (B)', () => {
    const [a, b] = [id(1), id(2)];
    const log = [rec('deploy', a), rec('deploy', b, a), rec('rollback', a, b)];
    assert.deepEqual(chooseRollback(log, [a, b], a), { target: b, source: 'history', since: log[2].when });
  });

  it('goes back to a newer id when an older stored build was deployed over it', () => {
    const log = [rec('deploy', id(5)), rec('deploy', id(3), id(5))];
    assert.equal(chooseRollback(log, all, id(3)).target, id(5));
    assert.equal(previousById(all, id(3)), id(2)); // what id order would have chosen
  });

  it('ignores failed and rolled-back deploys: they never changed what was live', () => {
    const log = [rec('deploy', id(1)), rec('deploy', id(2), id(1)), rec('deploy', id(3), id(2), 'rolled-back'), rec('deploy', id(4), id(2), 'failed')];
    assert.equal(chooseRollback(log, all, id(2)).target, id(1));
  });

  it('falls back to id order, and says why, when the log has no record for current', () => {
    assert.deepEqual(chooseRollback([], all, id(4)), { target: id(3), source: 'id-order', reason: 'deploys.log has no record of a deploy' });
    const other = chooseRollback([rec('deploy', id(6), id(5))], all, id(4));
    assert.equal(other.source, 'id-order');
    assert.match((other as { reason: string }).reason, /last deploy \(20260106T000000Z-0\.1\.0-abc1234\) is not what current points at/);
    assert.equal(chooseRollback([rec('deploy', id(4))], all, id(4)).source, 'id-order');
    assert.equal(chooseRollback([], all, undefined).target, undefined);
  });

  it('lists what was live, newest first, with who put it there', () => {
    const log = [rec('deploy', id(1)), rec('deploy', id(2), id(1), 'failed'), rec('rollback', id(1), id(3))];
    assert.deepEqual(liveHistory(log).map((e) => [e.id, e.kind, e.by, e.previous]), [
      [id(1), 'rollback', 'rollbacker@example.com', id(3)],
      [id(1), 'deploy', 'deployer@example.com', undefined],
    ]);
  });
});
