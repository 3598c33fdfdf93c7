import assert from 'node:assert/strict';
import { tokenizeElixir } from '../../../src/core/versions/elixirTokens';

describe('tokenizeElixir', () => {
  const kinds = (text: string) => tokenizeElixir(text).map((t) => `${t.kind}:${t.text}`);

  it('tells keys, atoms, strings, attributes and identifiers apart', () => {
    assert.deepEqual(kinds('[app: :my_app, "quoted key": 1, x: Foo.bar?(), @v, mod::t]'), [
      'punct:[', 'key:app', 'atom:my_app', 'punct:,', 'key:quoted key', 'number:1', 'punct:,', 'key:x', 'alias:Foo', 'punct:.', 'ident:bar?',
      'punct:(', 'punct:)', 'punct:,', 'attr:v', 'punct:,', 'ident:mod', 'op:::', 'ident:t', 'punct:]',
    ]);
  });

  it('skips comments and keeps strings, interpolations, sigils and heredocs whole', () => {
    assert.deepEqual(kinds('a # b: :c\n"x #{"]"} y" ~r/a]b/i ~S"""\n]\n""" ?] :"q q"'), [
      'ident:a', 'string:x #{"]"} y', 'string:a]b', 'string:]', 'number:?]', 'atom:q q',
    ]);
    const [interpolated] = tokenizeElixir('"a#{b}"');
    assert.equal(interpolated.interpolated, true);
  });

  it('records offsets', () => {
    const [key, value] = tokenizeElixir('  elixir: "~> 1.14"');
    assert.deepEqual([key.start, key.end, value.start, value.end, value.contentStart, value.contentEnd], [2, 9, 10, 19, 11, 18]);
  });
});
