import assert from 'node:assert/strict';
import { describeUndeployed, parsePorcelainZ } from '../../../src/core/git/local';

describe('build: what will not be deployed', () => {
  it('parses git status --porcelain -z, including renames', () => {
    assert.deepEqual(parsePorcelainZ(' M lib/a.ex\0R  lib/new.ex\0lib/old.ex\0?? notes.txt\0'), ['lib/a.ex', 'lib/new.ex', 'notes.txt']);
    assert.deepEqual(parsePorcelainZ(''), []);
  });

  it('says plainly that unpushed commits and uncommitted changes will NOT be deployed', () => {
    const commit = '1234567890abcdef1234567890abcdef12345678';
    assert.deepEqual(describeUndeployed({ dirtyFiles: [], unpushedCommits: 0, headName: 'main' }, 'origin', 'main', commit), []);
    const [commits, dirty] = describeUndeployed({ dirtyFiles: ['a', 'b', 'c', 'd', 'e', 'f'], unpushedCommits: 2, headName: 'feature' }, 'origin', 'main', commit);
    assert.equal(commits, '2 local commits on feature are not on origin/main and will NOT be deployed; building origin/main at 1234567. Push first to include them.');
    assert.equal(dirty, '6 uncommitted changes (a, b, c, d, e and 1 more) will NOT be deployed; building origin/main at 1234567.');
  });
});
