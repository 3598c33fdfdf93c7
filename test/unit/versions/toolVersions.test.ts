import assert from 'node:assert/strict';
import { parseToolVersions } from '../../../src/core/versions/toolVersions';

describe('parseToolVersions', () => {
  it('reads erlang and elixir with exact token ranges, ignoring comments and other tools', () => {
    const tv = parseToolVersions('# pinned\nnodejs 20.1.0\nerlang 26.2.5 25.3.2 # fallback\r\nelixir\t1.16.2-otp-26\n');
    assert.equal(tv.erlang?.kind, 'version');
    assert.equal(tv.erlang?.version, '26.2.5');
    assert.deepEqual(tv.erlang?.range, { line: 3, column: 8, endLine: 3, endColumn: 14 });
    assert.deepEqual(tv.erlang?.fallbacks, ['25.3.2']);
    assert.equal(tv.elixir?.raw, '1.16.2-otp-26');
    assert.equal(tv.elixir?.version, '1.16.2');
    assert.equal(tv.elixir?.otpMajor, '26');
    assert.deepEqual(tv.elixir?.range, { line: 4, column: 8, endLine: 4, endColumn: 21 });
    assert.deepEqual(tv.elixir?.versionRange, { line: 4, column: 8, endLine: 4, endColumn: 14 });
    assert.deepEqual(tv.elixir?.otpRange, { line: 4, column: 19, endLine: 4, endColumn: 21 });
  });

  it('uses the first version of a line and the first line of a tool', () => {
    const tv = parseToolVersions('elixir 1.15.7 1.14.5\nelixir 1.13.0\nerlang   26 25\n');
    assert.equal(tv.elixir?.version, '1.15.7');
    assert.equal(tv.elixir?.range.line, 1);
    assert.equal(tv.elixir?.otpMajor, undefined);
    assert.equal(tv.erlang?.version, '26');
    assert.deepEqual(tv.erlang?.range, { line: 3, column: 10, endLine: 3, endColumn: 12 });
  });

  it('classifies ref:, path:, system and other words as not comparable', () => {
    const tv = parseToolVersions('erlang ref:OTP-26.2.5\nelixir path:/opt/elixir\n');
    assert.equal(tv.erlang?.kind, 'ref');
    assert.equal(tv.erlang?.version, undefined);
    assert.equal(tv.elixir?.kind, 'path');
    assert.equal(parseToolVersions('erlang system').erlang?.kind, 'system');
    assert.equal(parseToolVersions('elixir main-otp-26').elixir?.kind, 'other');
    assert.equal(parseToolVersions('erlang latest').erlang?.kind, 'other');
  });

  it('reads elixir release candidates and a comment glued to a version', () => {
    const tv = parseToolVersions('elixir 1.17.0-rc.1-otp-27\nerlang 27.0#newest');
    assert.equal(tv.elixir?.version, '1.17.0-rc.1');
    assert.equal(tv.elixir?.otpMajor, '27');
    assert.equal(tv.erlang?.raw, '27.0');
    assert.deepEqual(tv.erlang?.range, { line: 2, column: 8, endLine: 2, endColumn: 12 });
  });

  it('ignores a tool without a version, a commented-out line and unknown tools', () => {
    assert.deepEqual(parseToolVersions('erlang\n# elixir 1.16.2\nruby 3.3.0\n'), {});
    assert.deepEqual(parseToolVersions(''), {});
  });

  it('does not crash on binary junk', () => {
    const junk = Buffer.from([0, 255, 10, 13, 9, 35, 200, 0, 101, 114, 108, 97, 110, 103, 32, 0, 10]).toString('latin1');
    assert.doesNotThrow(() => parseToolVersions(junk));
    assert.doesNotThrow(() => parseToolVersions('erlang \u0000\u0001 26\r\r\n\u2028elixir'));
  });
});

describe('parseToolVersions: what asdf installs', () => {
  it('reads `v`-prefixed Elixir as its number, with ranges past the `v`', () => {
    const tv = parseToolVersions('erlang 28.1\nelixir v1.19.4-otp-28');
    assert.equal(tv.elixir?.kind, 'version');
    assert.equal(tv.elixir?.version, '1.19.4');
    assert.equal(tv.elixir?.otpMajor, '28');
    assert.deepEqual(tv.elixir?.range, { line: 2, column: 8, endLine: 2, endColumn: 22 });
    assert.deepEqual(tv.elixir?.versionRange, { line: 2, column: 9, endLine: 2, endColumn: 15 });
    assert.deepEqual(tv.elixir?.otpRange, { line: 2, column: 20, endLine: 2, endColumn: 22 });
    assert.equal(tv.elixir?.floats, undefined);
  });

  it('marks numbers that name no single release as floating, and real releases as exact', () => {
    const tv = parseToolVersions('erlang 26\nelixir 1.15\n');
    assert.match(tv.erlang!.floats!, /no OTP release is called 26.*asdf cannot install it/);
    assert.match(tv.elixir!.floats!, /tip of the v1\.15 branch build, not a release/);
    const exact = parseToolVersions('erlang 25.0\nelixir 1.17.0-rc.1-otp-27\n');
    assert.equal(exact.erlang?.floats, undefined);
    assert.equal(exact.elixir?.floats, undefined);
    assert.equal(exact.erlang?.manager, 'asdf');
    assert.equal(exact.erlang?.file, '.tool-versions');
  });

  it('reads a file without a final newline, with trailing spaces and CRLF', () => {
    const tv = parseToolVersions('erlang 26.2.5 \r\nelixir 1.16.2-otp-26   ');
    assert.deepEqual(tv.erlang?.range, { line: 1, column: 8, endLine: 1, endColumn: 14 });
    assert.deepEqual(tv.elixir?.range, { line: 2, column: 8, endLine: 2, endColumn: 21 });
  });
});
