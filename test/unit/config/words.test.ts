import * as assert from 'node:assert/strict';
import { splitWords } from '../../../src/core/config/words';

describe('splitWords', () => {
  it('splits plain and quoted words', () => {
    assert.deepEqual(splitWords('sudo systemctl restart my_app'), { ok: true, words: ['sudo', 'systemctl', 'restart', 'my_app'] });
    assert.deepEqual(splitWords(`bin/app eval "App.Release.migrate()"`), { ok: true, words: ['bin/app', 'eval', 'App.Release.migrate()'] });
    assert.deepEqual(splitWords(`bin/app eval 'My.Release.migrate'  `), { ok: true, words: ['bin/app', 'eval', 'My.Release.migrate'] });
    assert.deepEqual(splitWords(`a "" b`), { ok: true, words: ['a', '', 'b'] });
  });

  it('refuses shell syntax, also inside double quotes', () => {
    for (const bad of ['a; b', 'a && b', 'a | b', 'a > f', 'a `id`', 'a $(id)', 'a "$HOME"', 'a "`id`"', 'a\nb', "a 'b"]) {
      assert.equal(splitWords(bad).ok, false, bad);
    }
    assert.equal(splitWords('   ').ok, false);
  });

  it('allows shell characters inside single quotes, as literal text', () => {
    assert.deepEqual(splitWords(`echo 'a; b $(c)'`), { ok: true, words: ['echo', 'a; b $(c)'] });
  });
});
