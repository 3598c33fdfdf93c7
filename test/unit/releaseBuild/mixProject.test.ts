import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { declaresDeps } from '../../../src/core/releaseBuild/mixDeps';

const example = readFileSync(path.join(__dirname, '../../../../examples/hello_phoenix/mix.exs'), 'utf8');

describe('build: does mix.exs declare deps (skip mix deps.get)', () => {
  it('the example app has none', () => assert.equal(declaresDeps(example), false));

  it('sees deps in a deps() function, ignoring commented-out ones', () => {
    const text = `defmodule Shop.MixProject do
  def project, do: [app: :shop, deps: deps()]
  defp deps do
    [
      # {:commented, "~> 1.0"}
      {:phoenix, "~> 1.7"}
    ]
  end
end`;
    assert.equal(declaresDeps(text), true);
  });

  it('treats an empty deps() list, or no deps key, as none; anything unreadable as some', () => {
    assert.equal(declaresDeps('def project do\n [app: :a, deps: deps()]\nend\ndefp deps do\n  [\n    # {:x, "1.0"}\n  ]\nend\n'), false);
    assert.equal(declaresDeps('def project, do: [app: :a]'), false);
    assert.equal(declaresDeps('def project, do: [app: :a, deps: deps()]'), true);
    assert.equal(declaresDeps('def project, do: [app: :a, deps: [] ++ extra]'), true);
  });
});
