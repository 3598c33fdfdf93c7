import assert from 'node:assert/strict';
import { parseMixExs, resolveAppName } from '../../../src/core/versions/mixExs';
import { MIX_EXS } from './fixtures';

describe('parseMixExs', () => {
  it('reads app, version, the elixir requirement and releases with ranges', () => {
    const mix = parseMixExs(MIX_EXS);
    assert.equal(mix.app, 'my_app');
    assert.deepEqual(mix.appRange, { line: 6, column: 12, endLine: 6, endColumn: 19 });
    assert.equal(mix.version, '0.1.0');
    assert.equal(mix.elixirRequirement, '~> 1.15');
    assert.deepEqual(mix.elixirRequirementRange, { line: 8, column: 16, endLine: 8, endColumn: 23 });
    assert.deepEqual(mix.releases, [{
      name: 'my_app', includeErts: true, includeErtsKnown: true,
      range: { line: 12, column: 9, endLine: 12, endColumn: 15 },
      includeErtsRange: { line: 12, column: 18, endLine: 12, endColumn: 36 },
    }]);
  });

  it('follows module attributes and a releases() helper, in one-line `do:` form', () => {
    const text = [
      'defmodule Shop.MixProject do',
      '  use Mix.Project',
      '  @version "2.3.1"',
      '  @elixir_requirement ">= 1.14.0 and < 2.0.0"',
      '  def project, do: [app: :shop, version: @version, elixir: @elixir_requirement, releases: releases(), deps: deps()]',
      '  defp releases do',
      '    [',
      '      # app: :not_this_one',
      '      shop: [include_erts: false, steps: [:assemble, &copy_extra/1]],',
      '      "shop_worker": [include_erts: "/opt/erts"],',
      '      admin: [include_erts: System.get_env("ERTS") != nil]',
      '    ]',
      '  end',
      'end',
    ].join('\n');
    const mix = parseMixExs(text);
    assert.equal(mix.app, 'shop');
    assert.equal(mix.version, '2.3.1');
    assert.equal(mix.elixirRequirement, '>= 1.14.0 and < 2.0.0');
    assert.deepEqual(mix.elixirRequirementRange, { line: 4, column: 24, endLine: 4, endColumn: 45 });
    assert.deepEqual(mix.releases.map((r) => [r.name, r.includeErts, r.includeErtsKnown]), [
      ['shop', false, true], ['shop_worker', '/opt/erts', true], ['admin', true, false],
    ]);
    assert.deepEqual(mix.releases[0].includeErtsRange, { line: 9, column: 14, endLine: 9, endColumn: 33 });
  });

  it('defaults include_erts to true and tolerates odd formatting', () => {
    const text = 'defmodule A.MixProject do\n  def project do\n    [releases: [a: [], b: [\n      include_erts:\n        true\n    ]],\n     app: :a, elixir: "~> 1.16" ]\n  end\nend\n';
    const mix = parseMixExs(text);
    assert.deepEqual(mix.releases.map((r) => [r.name, r.includeErts, r.includeErtsRange?.line]), [['a', true, undefined], ['b', true, 4]]);
    assert.equal(mix.app, 'a');
    assert.equal(mix.elixirRequirement, '~> 1.16');
  });

  it('is not fooled by strings, comments, heredocs and sigils', () => {
    const text = [
      'defmodule X.MixProject do',
      '  @moduledoc """',
      '  def project do [app: :wrong] end',
      '  """',
      '  def project do',
      '    [',
      '      description: "has ] and , and app: :nope",',
      '      aliases: [test: ["ecto.create --quiet", ~s(run "x]y")], setup: ~w[a b]],',
      '      app: :x, # app: :comment',
      '      elixir: "~> 1.14" <> "",',
      '    ]',
      '  end',
      'end',
    ].join('\n');
    const mix = parseMixExs(text);
    assert.equal(mix.app, 'x');
    // A computed requirement is not read as a literal.
    assert.equal(mix.elixirRequirement, undefined);
    assert.deepEqual(mix.releases, []);
  });

  it('returns nothing for text without a project, and never throws', () => {
    assert.deepEqual(parseMixExs(''), { releases: [] });
    assert.deepEqual(parseMixExs('defmodule Foo do\nend'), { releases: [] });
    for (const junk of ['def project do [', 'def project do [app: ', '"unterminated', '~s(', '\u0000\u00ff[[[', 'def project, do: [releases: releases]']) {
      assert.doesNotThrow(() => parseMixExs(junk), junk);
    }
  });
});

describe('resolveAppName', () => {
  const mix = (releases: string[], app?: string) => ({ app, releases: releases.map((name) => ({ name, includeErts: true, includeErtsKnown: true, range: { line: 1, column: 1, endLine: 1, endColumn: 1 } })) });
  it('prefers the configured app, then the only release, then :app', () => {
    assert.equal(resolveAppName('configured', mix(['rel'], 'app')), 'configured');
    assert.equal(resolveAppName(undefined, mix(['rel'], 'app')), 'rel');
    assert.equal(resolveAppName(undefined, mix(['a', 'b'], 'app')), 'app');
    assert.equal(resolveAppName(undefined, mix([], 'app')), 'app');
    assert.equal(resolveAppName(undefined, mix([])), undefined);
  });
});
