import assert from 'node:assert/strict';
import { parseMiseConfig } from '../../../src/core/versions/miseToml';

const pins = (text: string) => parseMiseConfig(text, 'mise.toml').pins;

describe('parseMiseConfig (mise.toml [tools])', () => {
  it('reads strings with ranges inside the quotes, ignoring other tools and sections', () => {
    const text = '[env]\nMIX_ENV = "prod"\n\n[tools]\nnode = "22"\nerlang = "27.2" # pinned\nelixir = \'1.18.1-otp-27\'\n';
    const { erlang, elixir } = pins(text);
    assert.equal(erlang?.version, '27.2');
    assert.equal(erlang?.manager, 'mise');
    assert.equal(erlang?.file, 'mise.toml');
    assert.deepEqual(erlang?.range, { line: 6, column: 11, endLine: 6, endColumn: 15 });
    assert.deepEqual(erlang?.versionRange, erlang?.range);
    assert.equal(elixir?.version, '1.18.1');
    assert.deepEqual(elixir?.versionRange, { line: 7, column: 11, endLine: 7, endColumn: 17 });
    assert.equal(elixir?.otpMajor, '27');
    assert.deepEqual(elixir?.otpRange, { line: 7, column: 22, endLine: 7, endColumn: 24 });
  });

  it('reads [tools.erlang] tables, inline tables, lists (the first is used), [[tools.x]] and core: names', () => {
    assert.equal(pins('[tools.erlang]\nversion = "27.2"\n').erlang?.version, '27.2');
    assert.deepEqual(pins('[tools.erlang]\nversion = "27.2"\n').erlang?.range, { line: 2, column: 12, endLine: 2, endColumn: 16 });
    assert.equal(pins('[tools]\nerlang = { version = "26.2.5", os = ["linux"] }\n').erlang?.version, '26.2.5');
    const list = pins('[tools]\nelixir = ["1.17.3-otp-27", "1.16.3"]\n').elixir;
    assert.equal(list?.version, '1.17.3');
    assert.deepEqual(list?.fallbacks, ['1.16.3']);
    assert.equal(pins('[[tools.erlang]]\nversion = "25.3.2.12"\n').erlang?.version, '25.3.2.12');
    assert.equal(pins('[tools]\n"core:erlang" = "27.1"\n').erlang?.version, '27.1');
    assert.equal(pins('tools.elixir = "1.18.0"\n').elixir?.version, '1.18.0');
  });

  it('follows mise: a prefix floats, ref:/path:/latest are not versions, a number is not a string', () => {
    assert.match(pins('[tools]\nerlang = "27"\n').erlang!.floats!, /mise installs the newest 27\.x/);
    assert.match(pins('[tools]\nelixir = "1.18"\n').elixir!.floats!, /mise installs the newest 1\.18\.x/);
    const prefixed = pins('[tools]\nerlang = "prefix:26.2"\n').erlang!;
    assert.match(prefixed.floats!, /newest 26\.2\.x/);
    assert.deepEqual(prefixed.versionRange, { line: 2, column: 18, endLine: 2, endColumn: 22 });
    assert.equal(pins('[tools]\nerlang = "ref:OTP-27.2"\n').erlang?.kind, 'ref');
    assert.equal(pins('[tools]\nelixir = "latest"\n').elixir?.kind, 'other');
    assert.equal(pins('[tools]\nerlang = 27\n').erlang?.kind, 'other');
    assert.equal(pins('[tools]\nerlang = "27.2"\n').erlang?.floats, undefined);
  });

  it('reports invalid TOML at the place the parser stopped, with no pins', () => {
    const config = parseMiseConfig('[tools]\nerlang = "27.2\nelixir = "1.18.1"\n', 'mise.toml');
    assert.deepEqual(config.pins, {});
    assert.ok(config.error);
    assert.equal(config.error.range.line, 2);
  });

  it('does not crash on junk, and ignores tools outside [tools]', () => {
    assert.deepEqual(pins(''), {});
    assert.deepEqual(pins('erlang = "27.2"\n[env]\nelixir = "1.18.1"\n'), {});
    assert.doesNotThrow(() => parseMiseConfig('\u0000\uffff[[[', 'mise.toml'));
  });
});
