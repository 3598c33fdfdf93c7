import * as assert from 'node:assert/strict';
import { splitCommandWords } from '../../../src/core/config/words';

describe('splitCommandWords', () => {
  it('splits plain and quoted words', () => {
    assert.deepEqual(splitCommandWords('sudo systemctl restart my_app'), { ok: true, words: ['sudo', 'systemctl', 'restart', 'my_app'] });
    assert.deepEqual(splitCommandWords(`bin/app eval "App.Release.migrate()"`), { ok: true, words: ['bin/app', 'eval', 'App.Release.migrate()'] });
    assert.deepEqual(splitCommandWords(`bin/app eval 'My.Release.migrate'  `), { ok: true, words: ['bin/app', 'eval', 'My.Release.migrate'] });
    assert.deepEqual(splitCommandWords(`a "" b`), { ok: true, words: ['a', '', 'b'] });
  });

  it('refuses shell syntax, also inside double quotes', () => {
    for (const bad of ['a; b', 'a && b', 'a | b', 'a > f', 'a `id`', 'a $(id)', 'a "$HOME"', 'a "`id`"', 'a\nb', "a 'b"]) {
      assert.equal(splitCommandWords(bad).ok, false, bad);
    }
    assert.equal(splitCommandWords('   ').ok, false);
  });

  it('allows shell characters inside single quotes, as literal text', () => {
    assert.deepEqual(splitCommandWords(`echo 'a; b $(c)'`), { ok: true, words: ['echo', 'a; b $(c)'] });
  });
});
