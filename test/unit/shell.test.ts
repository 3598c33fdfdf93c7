import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join, op, quote, renderCommand, subshell } from '../../src/core/shell';

describe('shell quoting', () => {
  it('leaves safe words bare and single-quotes the rest', () => {
    assert.equal(quote('/opt/my_app/releases'), '/opt/my_app/releases');
    assert.equal(quote(''), `''`);
    assert.equal(quote('a b'), `'a b'`);
    assert.equal(quote(`it's`), `'it'\\''s'`);
  });

  it('refuses NUL bytes', () => {
    assert.throws(() => quote('a\0b'), /NUL/);
  });

  it('renders argv with operators', () => {
    assert.equal(renderCommand(join(op.and, ['mkdir', '-p', '/opt/a b'], ['echo', 'ok', op.to, '/tmp/x'])), `mkdir -p '/opt/a b' && echo ok > /tmp/x`);
    assert.equal(renderCommand(subshell(['echo', 'a b'])), `sh -c 'echo '\\''a b'\\'''`);
  });

  it('round-trips hostile words through a real shell unchanged', () => {
    const hostile = ['; rm -rf ~', '$(touch /tmp/pwned)', '`id`', `'"\\`, 'a\nb', '-rf', '../../etc', 'ünïcødé ✓', 'x'.repeat(5000), '*', '~', '$HOME'];
    for (const word of hostile) {
      const out = execFileSync('sh', ['-c', renderCommand(['printf', '%s', word])], { encoding: 'utf8' });
      assert.equal(out, word);
    }
  });
});
