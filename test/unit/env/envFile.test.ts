import assert from 'node:assert/strict';
import { applyEdit, envValues, formatAssignment, parseDotenv, parseEnvFile, renderEnvFile } from '../../../src/core/env/envFile';

const values = (text: string) => Object.fromEntries(envValues(parseEnvFile(text)));
const edit = (text: string, set: Record<string, string>, unset: string[] = []) => applyEdit(parseEnvFile(text), { set: new Map(Object.entries(set)), unset });

describe('shared/env: reading it as systemd does', () => {
  // Each case was also loaded by systemd 252 (systemd-run -p EnvironmentFile=) on a bookworm host, with the same result.
  it('reads hand-written lines exactly as systemd\'s EnvironmentFile= does', () => {
    assert.deepEqual(values([
      '# comment', 'H0=a b  ', "H1='single q'", 'H2="dq \\n \\$x"', 'H3=un\\', 'wrapped', '  H4 = spaced ', 'export H5=x', 'H6="a"\'b\'c', ';semi comment', 'H7=\\\\x', '',
    ].join('\n')), { H0: 'a b', H1: 'single q', H2: 'dq \\n $x', H3: 'unwrapped', H4: 'spaced', H6: 'abc', H7: '\\x' });
  });

  it('keeps every byte: rendering what was parsed gives the text back', () => {
    const text = '# top\n\nA=1\r\nB="multi\nline"\n  # indented comment\nnot an assignment\nC=3';
    const file = parseEnvFile(text);
    assert.equal(renderEnvFile(file), text);
    assert.deepEqual(file.entries.filter((e) => e.kind === 'assignment').map((e) => [e.key, e.line]), [['A', 3], ['B', 4], ['C', 8]]);
  });

  it('a later assignment wins, as in systemd', () => {
    assert.deepEqual(values('A=1\nA=2\n'), { A: '2' });
  });
});

describe('shared/env: writing values both systemd and a shell read the same', () => {
  it('leaves plain values bare and double-quotes the rest, escaping exactly " \\ ` $', () => {
    assert.equal(formatAssignment('PORT', '4000'), 'PORT=4000');
    assert.equal(formatAssignment('URL', 'ecto://u:p@db/app'), 'URL=ecto://u:p@db/app');
    assert.equal(formatAssignment('S', 'it\'s "x" $HOME `id` \\'), 'S="it\'s \\"x\\" \\$HOME \\`id\\` \\\\"');
    assert.equal(formatAssignment('E', ''), 'E=""');
    assert.equal(formatAssignment('T', '~/x'), 'T="~/x"', 'a shell would expand a bare ~');
  });

  it('reads back every value it writes, whatever the characters', () => {
    const tricky = ['with space', "it's", 'say "hi"', '$HOME and `id` and $(id)', 'back\\slash\\', 'multi\nline', ' lead and trail ', '#hash', 'tab\there',
      'star*glob?[x]', 'uni ✓ é', '', 'a\\\nb', 'cr\rcr', '!bang', '=eq=', '\\$notvar', '\\"'];
    const text = tricky.map((v, i) => `${formatAssignment(`V${i}`, v)}\n`).join('');
    assert.deepEqual(values(text), Object.fromEntries(tricky.map((v, i) => [`V${i}`, v])));
  });

  it('refuses keys that are not capitals, digits and _, and values no environment can hold', () => {
    assert.throws(() => formatAssignment('lower', 'x'), /not a valid key/);
    assert.throws(() => formatAssignment('1A', 'x'), /not a valid key/);
    assert.throws(() => formatAssignment('A-B', 'x'), /not a valid key/);
    assert.throws(() => formatAssignment('A', 'x\0y'), /NUL/);
    assert.throws(() => formatAssignment('A', 'x\uD800'), /not valid Unicode/);
  });
});

describe('shared/env: editing keeps everything else', () => {
  const before = '# Secrets for production\nSECRET_KEY_BASE=abc\n\n# the database\nDATABASE_URL="ecto://x"\nPOOL=10\n';

  it('changes a value in place; comments, blank lines and order stay', () => {
    const { file, changes } = edit(before, { POOL: '20' });
    assert.equal(renderEnvFile(file), before.replace('POOL=10', 'POOL=20'));
    assert.deepEqual(changes, [{ key: 'POOL', action: 'change' }]);
  });

  it('appends a new key, adding the missing final newline first', () => {
    const { file, changes } = edit('A=1', { B: 'two words' });
    assert.equal(renderEnvFile(file), 'A=1\nB="two words"\n');
    assert.deepEqual(changes, [{ key: 'B', action: 'add' }]);
  });

  it('unsets every assignment of a key, and says when a key was not there', () => {
    const { file, changes } = edit('A=1\nB=2\nA=3\n', {}, ['A', 'Z']);
    assert.equal(renderEnvFile(file), 'B=2\n');
    assert.deepEqual(changes, [{ key: 'A', action: 'remove' }, { key: 'Z', action: 'absent' }]);
  });

  it('setting a duplicated key rewrites the effective (last) one and drops the dead earlier ones', () => {
    assert.equal(renderEnvFile(edit('A=1\n# x\nA=2\n', { A: '9' }).file), '# x\nA=9\n');
  });

  it('an unchanged value keeps its original quoting, and is reported as kept', () => {
    const { file, changes } = edit("A='x y'\n", { A: 'x y' });
    assert.equal(renderEnvFile(file), "A='x y'\n");
    assert.deepEqual(changes, [{ key: 'A', action: 'keep' }]);
  });

  it('refuses setting and unsetting one key at once', () => {
    assert.throws(() => edit('', { A: '1' }, ['A']), /both set and unset/);
  });
});

describe('env push: local dotenv files', () => {
  it('reads KEY=value and export KEY=value lines, and reports what is not an assignment', () => {
    const { values: v, problems } = parseDotenv('# local\nexport A="1 2"\nB=3\nlower=x\ngarbage line\n');
    assert.deepEqual(Object.fromEntries(v), { A: '1 2', B: '3' });
    assert.deepEqual(problems, ['line 4: lower is not a valid key (capital letters, digits and _)', 'line 5: not a KEY=value assignment']);
  });
});
