import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { osFromWord, parseOsSpec } from '../../../src/core/versions/osRelease';

// Read independently of scripts/generate-codenames.mjs, so that a generator bug fails here too.
const CSV_DIR = process.env.DISTRO_INFO_DIR ?? '/usr/share/distro-info';

function rows(family: 'debian' | 'ubuntu'): Array<{ version: string; series: string }> {
  const file = join(CSV_DIR, `${family}.csv`);
  assert.ok(existsSync(file), `${file} is missing: scripts/testbed/install-packages.sh installs distro-info-data`);
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const columns = header.split(',');
  return lines.map((line) => line.split(','))
    .map((cells) => ({ version: cells[columns.indexOf('version')].replace(/ LTS$/, ''), series: cells[columns.indexOf('series')] }))
    .filter((row) => row.version !== '');
}

/** Debian numbers releases by major since 7 (`12`); before that, by major.minor (`3.1`). */
function release(family: string, version: string): string {
  const major = version.split('.')[0];
  return family === 'debian' && Number(major) >= 7 ? major : version;
}

describe('OS codenames from distro-info-data', () => {
  for (const family of ['debian', 'ubuntu'] as const) {
    it(`knows every ${family} codename in ${CSV_DIR}/${family}.csv, both ways (else run \`npm run codenames\`)`, () => {
      const all = rows(family);
      assert.ok(all.length > 10, `${family}.csv lists only ${all.length} releases`);
      for (const { version, series } of all) {
        const expected = { family, release: release(family, version), codename: series };
        assert.deepEqual(osFromWord(family, series), expected, `${family} ${series}`);
        assert.deepEqual(osFromWord(family, version), expected, `${family} ${version}`);
      }
    });
  }

  it('reads codenames that shipped after the hand-written table stopped (Ubuntu 26.04, Debian 15)', () => {
    assert.deepEqual(parseOsSpec('ubuntu-resolute'), { family: 'ubuntu', release: '26.04', codename: 'resolute' });
    assert.deepEqual(parseOsSpec('ubuntu-26.04'), { family: 'ubuntu', release: '26.04', codename: 'resolute' });
    assert.deepEqual(parseOsSpec('debian-duke'), { family: 'debian', release: '15', codename: 'duke' });
  });

  it('names no release for sid, experimental or words that only look like keys', () => {
    assert.equal(osFromWord('debian', 'sid'), undefined);
    assert.equal(osFromWord('debian', 'experimental'), undefined);
    assert.equal(osFromWord('ubuntu', 'constructor'), undefined);
    assert.equal(osFromWord('debian', 'toString'), undefined);
  });
});
