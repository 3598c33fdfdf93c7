import assert from 'node:assert/strict';
import { readLockSurvey, removeShownLocks, surveyLocks, unlockReport } from '../../../src/core/usecases/unlock';
import { fakeHost, isUnlock, options } from '../deploy/fakes';

describe('use case: unlock (both adapters)', () => {
  it('shows every host\'s lock, then removes only the lock it showed, touching no other host', async () => {
    const hosts = [fakeHost('web1', { lockHeld: true }), fakeHost('web2')];
    const { release: _release, ...remote } = options(hosts);
    const survey = await readLockSurvey(remote);
    assert.deepEqual([...survey.shown.keys()], ['web1:22']);
    assert.match(survey.lines[0], /^web1:22: locked by \S+/);
    assert.equal(survey.lines[1], 'web2:22: not locked');
    const report = await removeShownLocks(remote, survey);
    assert.equal(hosts[0].commands.filter(isUnlock).length, 1);
    assert.equal(hosts[1].commands.filter(isUnlock).length, 0, 'a host whose lock was not shown is left alone');
    assert.deepEqual([report.ok, report.removed, report.problems], [true, 1, []]);
    assert.match(report.lines[0], /^web1:22: unlocked \(held by /);
  });

  it('an unreachable host fails the run but not the others; a lock changed since it was shown is a problem, left alone', () => {
    const survey = surveyLocks([
      { host: 'a:22', ok: true, lock: { raw: 'x', holder: { who: 'ann' } } },
      { host: 'b:22', ok: true, lock: { raw: 'y', holder: { who: 'bob' } } },
      { host: 'c:22', ok: false, error: 'connection refused' },
    ]);
    assert.deepEqual(survey.lines, ['a:22: locked by ann', 'b:22: locked by bob', 'c:22: unreachable: connection refused']);
    const report = unlockReport(survey, [
      { host: 'a:22', ok: true, removed: true, holder: { who: 'ann' } },
      { host: 'b:22', ok: true, removed: false, changed: { raw: 'z', holder: { who: 'cy' } } },
    ]);
    assert.deepEqual(report.problems, ['b:22: not unlocked: the lock changed since it was shown; it is now held by cy']);
    assert.deepEqual([report.removed, report.ok], [1, false]);
    assert.equal(unlockReport(surveyLocks(survey.locks.slice(0, 1)), [{ host: 'a:22', ok: true, removed: true }]).ok, true);
    const unreachable = unlockReport(surveyLocks([survey.locks[0], survey.locks[2]]), [{ host: 'a:22', ok: true, removed: true }]);
    assert.deepEqual([unreachable.removed, unreachable.problems, unreachable.ok], [1, [], false], 'a host that could not be read fails the unlock');
  });

  it('reports only the hosts whose lock it showed', () => {
    const survey = surveyLocks([{ host: 'a:22', ok: true, lock: { raw: 'x' } }, { host: 'b:22', ok: true }]);
    const report = unlockReport(survey, [{ host: 'a:22', ok: true, removed: true }, { host: 'b:22', ok: false, removed: false, error: 'refused' }]);
    assert.deepEqual([report.lines, report.problems, report.ok], [['a:22: unlocked'], [], true]);
  });
});
