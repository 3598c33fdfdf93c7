import assert from 'node:assert/strict';
import { compareOs, formatOs, parseOsRelease, parseOsSpec } from '../../../src/core/versions/osRelease';

describe('parseOsSpec (deploy.yml os:)', () => {
  const cases: Array<[string, unknown]> = [
    ['debian-12', { family: 'debian', release: '12', codename: 'bookworm' }],
    ['debian-bookworm', { family: 'debian', release: '12', codename: 'bookworm' }],
    ['debian-bullseye', { family: 'debian', release: '11', codename: 'bullseye' }],
    ['debian-11', { family: 'debian', release: '11', codename: 'bullseye' }],
    ['debian-trixie', { family: 'debian', release: '13', codename: 'trixie' }],
    ['debian-buster', { family: 'debian', release: '10', codename: 'buster' }],
    ['ubuntu-22.04', { family: 'ubuntu', release: '22.04', codename: 'jammy' }],
    ['ubuntu-jammy', { family: 'ubuntu', release: '22.04', codename: 'jammy' }],
    ['ubuntu-noble', { family: 'ubuntu', release: '24.04', codename: 'noble' }],
    ['ubuntu-focal', { family: 'ubuntu', release: '20.04', codename: 'focal' }],
    ['alpine-3.19', { family: 'alpine', release: '3.19' }],
    ['alpine-3.19.1', { family: 'alpine', release: '3.19' }],
    ['rocky-9', { family: 'rocky', release: '9' }],
    ['debian-sid', undefined],
    ['alpine-edge', undefined],
    ['debian', undefined],
  ];
  for (const [spec, expected] of cases) {
    it(`${spec}`, () => assert.deepEqual(parseOsSpec(spec), expected));
  }
});

describe('parseOsRelease', () => {
  it('reads Debian, Ubuntu and Alpine files', () => {
    const debian = parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n');
    assert.deepEqual(debian.os, { family: 'debian', release: '12', codename: 'bookworm' });
    assert.equal(debian.prettyName, 'Debian GNU/Linux 12 (bookworm)');
    const ubuntu = parseOsRelease('NAME="Ubuntu"\r\nVERSION_ID="22.04"\r\nID=ubuntu\r\nID_LIKE=debian\r\nVERSION_CODENAME=jammy\r\n');
    assert.deepEqual(ubuntu.os, { family: 'ubuntu', release: '22.04', codename: 'jammy' });
    const alpine = parseOsRelease('NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\n');
    assert.deepEqual(alpine.os, { family: 'alpine', release: '3.19' });
  });

  it('keeps other distributions by id, and states nothing it does not know', () => {
    assert.deepEqual(parseOsRelease('ID="rocky"\nVERSION_ID="9.3"\n').os, { family: 'rocky', release: '9.3' });
    assert.deepEqual(parseOsRelease('ID=debian\nVERSION_CODENAME=trixie\n').os, { family: 'debian', release: '13', codename: 'trixie' });
    assert.deepEqual(parseOsRelease('ID=debian\n').os, { family: 'debian' });
    assert.equal(parseOsRelease('garbage\u0000').os, undefined);
  });
});

describe('compareOs', () => {
  const d12 = { family: 'debian', release: '12', codename: 'bookworm' };
  it('compares family, then release, then codename; unknown when unstated', () => {
    assert.equal(compareOs(d12, { family: 'debian', release: '12' }), 'same');
    assert.equal(compareOs(d12, { family: 'debian', release: '11', codename: 'bullseye' }), 'different');
    assert.equal(compareOs(d12, { family: 'ubuntu' }), 'different');
    assert.equal(compareOs(d12, { family: 'debian' }), 'unknown');
    assert.equal(compareOs(d12, undefined), 'unknown');
  });
  it('formats for messages', () => {
    assert.equal(formatOs(d12), 'Debian 12 (bookworm)');
    assert.equal(formatOs({ family: 'alpine', release: '3.19' }), 'Alpine 3.19');
    assert.equal(formatOs({ family: 'debian' }), 'Debian');
  });
});
