import assert from 'node:assert/strict';
import { USAGE } from '../../../src/cli';
import { usageText } from '../../../src/cli/usage';

/** The help text as it was written by hand before it was generated: the table must keep saying exactly this. */
const HAND_WRITTEN = `Usage:
  phoenix-deploy check    [--cwd DIR] [--env NAME] [--probe] [--json]
  phoenix-deploy build    [--cwd DIR] [--force] [--json]
  phoenix-deploy deploy   [--cwd DIR] [--env NAME] [--dry-run] [--yes] [--json]
  phoenix-deploy rollback [--cwd DIR] [--env NAME] [--to RELEASE_ID] [--yes] [--json]
  phoenix-deploy releases [--cwd DIR] [--env NAME] [--json]
  phoenix-deploy unlock   [--cwd DIR] [--env NAME] [--yes]
  phoenix-deploy setup    [--cwd DIR] [--env NAME] [--admin USER] [--dry-run] [--yes] [--force] [--json]
  phoenix-deploy logs     [--cwd DIR] [--env NAME] [--host H] [--lines N] [--since 10m] [--follow] [--json]
  phoenix-deploy console  [--cwd DIR] [--env NAME] [--host H]
  phoenix-deploy rpc EXPR [--cwd DIR] [--env NAME] [--host H | --all] [--json]
  phoenix-deploy env list [--cwd DIR] [--env NAME] [--show] [--json]
  phoenix-deploy env set KEY=VALUE… | set KEY (value from stdin) | set KEY --generate | unset KEY… | push FILE
                          [--cwd DIR] [--env NAME] [--restart] [--dry-run] [--yes] [--json]
  phoenix-deploy init     [--cwd DIR] [--env NAME] [--host H]… [--domain D] [--yes]

Exit codes: 0 success, 1 failed check or deploy, 2 usage or config error.`;

describe('CLI usage, generated from the command table', () => {
  it('says what the hand-written help said, command for command', () => {
    assert.equal(USAGE, HAND_WRITTEN);
  });

  it('a command added to a table appears, with its words and flags, and a long head puts the flags on the next line', () => {
    const text = usageText([
      { name: 'status', forms: [{ flags: ['cwd', 'env', 'json'] }] },
      { name: 'tail', forms: [{ words: 'SERVICE…', flags: ['host…', 'since|follow'] }] },
    ]);
    assert.equal(text.split('\n').slice(0, 4).join('\n'), [
      'Usage:',
      '  phoenix-deploy status   [--cwd DIR] [--env NAME] [--json]',
      '  phoenix-deploy tail SERVICE…',
      '                          [--host H]… [--since 10m | --follow]',
    ].join('\n'));
  });
});
