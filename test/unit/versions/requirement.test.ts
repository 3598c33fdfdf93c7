import assert from 'node:assert/strict';
import { meetsRequirement, parseElixirRequirement } from '../../../src/core/versions/requirement';

describe('Elixir requirements', () => {
  const cases: Array<[string, string, boolean]> = [
    ['~> 1.14', '1.14.0', true],
    ['~> 1.14', '1.18.1', true],
    ['~> 1.14', '1.13.4', false],
    ['~> 1.14', '2.0.0', false],
    ['~> 1.14', '2.0.0-rc.0', false],
    ['~> 1.14.2', '1.14.5', true],
    ['~> 1.14.2', '1.14.1', false],
    ['~> 1.14.2', '1.15.0', false],
    ['>= 1.12.0 and < 2.0.0', '1.16.2', true],
    ['>= 1.12.0 and < 2.0.0', '1.11.4', false],
    ['~> 1.10 or ~> 2.0', '2.1.0', true],
    ['~> 1.13.0 or ~> 1.15.0', '1.14.0', false],
    ['== 1.16.2', '1.16.2', true],
    ['1.16.2', '1.16.3', false],
    ['!= 1.14.0 and >= 1.13.0', '1.14.0', false],
    ['!= 1.14.0 and >= 1.13.0', '1.14.1', true],
    ['~> 1.17.0-rc.0', '1.17.0-rc.1', true],
    ['~> 1.16', '1.17.0-rc.1', true],
    // Partial versions from image tags fail only on the digits they state.
    ['~> 1.14', '1.16', true],
    ['~> 1.14', '1.13', false],
    ['~> 1.16.3', '1.16', true],
  ];
  for (const [requirement, version, expected] of cases) {
    it(`${version} ${expected ? 'meets' : 'fails'} ${requirement}`, () => {
      const parsed = parseElixirRequirement(requirement);
      assert.ok(parsed, `parses ${requirement}`);
      assert.equal(meetsRequirement(parsed, version), expected);
    });
  }

  it('translates to semver ranges', () => {
    assert.equal(parseElixirRequirement('~> 1.14')?.range, '>=1.14.0 <2.0.0-0');
    assert.equal(parseElixirRequirement('~> 1.14.2')?.range, '>=1.14.2 <1.15.0-0');
    assert.equal(parseElixirRequirement('>= 1.12.0 and < 2.0.0')?.range, '>=1.12.0 <2.0.0');
    assert.equal(parseElixirRequirement('~> 1.10 or ~> 2.0')?.range, '>=1.10.0 <2.0.0-0 || >=2.0.0 <3.0.0-0');
  });

  it('refuses what is not a requirement', () => {
    for (const text of ['', 'bogus', '~> 1', '>= 1.14', '~> 1.14 and', 'latest']) {
      assert.equal(parseElixirRequirement(text), undefined, text);
    }
    assert.equal(meetsRequirement(parseElixirRequirement('~> 1.14')!, 'main'), undefined);
  });
});
