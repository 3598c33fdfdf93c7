import assert from 'node:assert/strict';
import { builtWith, hostProbeFindings, hostProbeFromInspection, type BuiltWith } from '../../../../src/core/probe/host';
import { parseInspection } from '../../../../src/core/remote/inspect';

/** Real output of the host inspection (remote/inspect.ts) on the testbed's local/phx-host images. */
const BOOKWORM = `@@phoenix-deploy:host
pd13-bw
@@phoenix-deploy:os
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
@@phoenix-deploy:libc
ldd (Debian GLIBC 2.36-9+deb12u14) 2.36
Copyright (C) 2022 Free Software Foundation, Inc.
@@phoenix-deploy:libs
/usr/lib/x86_64-linux-gnu/libssl.so.3
/usr/lib/x86_64-linux-gnu/libcrypto.so.3
@@phoenix-deploy:current
releases/20261126T112400Z-0.1.0-abc1234
@@phoenix-deploy:current-ok
13.1.5 0.1.0 
@@phoenix-deploy:releases
20261126T112400Z-0.1.0-abc1234	13.1.5 0.1.0
@@phoenix-deploy:lock
@@phoenix-deploy:log
@@phoenix-deploy:end
`;

const BULLSEYE = `@@phoenix-deploy:host
pd13-bu
@@phoenix-deploy:os
PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"
VERSION_ID="11"
VERSION_CODENAME=bullseye
ID=debian
@@phoenix-deploy:libc
ldd (Debian GLIBC 2.31-13+deb11u11) 2.31
Copyright (C) 2020 Free Software Foundation, Inc.
@@phoenix-deploy:libs
/usr/lib/x86_64-linux-gnu/libcrypto.so.1.1
/usr/lib/x86_64-linux-gnu/libssl.so.1.1
@@phoenix-deploy:current
@@phoenix-deploy:releases
@@phoenix-deploy:lock
@@phoenix-deploy:log
@@phoenix-deploy:end
`;

const probe = (text: string) => hostProbeFromInspection(parseInspection(text));

const BUILT: BuiltWith = {
  label: 'the build image hexpm/elixir:1.14.0-erlang-25.2.3-debian-bookworm-20250520-slim',
  os: { family: 'debian', release: '12', codename: 'bookworm' },
  otp: '25.2.3',
  libc: { kind: 'glibc', version: '2.36' },
  libcrypto: ['libcrypto.so.3'],
  range: { file: 'Dockerfile', line: 12, column: 6, endLine: 12, endColumn: 22 },
};
const HOST_RANGE = { file: 'config/deploy.yml', line: 16, column: 9, endLine: 16, endColumn: 55 };

describe('host probe', () => {
  it('reads a bookworm host from the one host inspection', () => {
    const result = probe(BOOKWORM);
    assert.deepEqual(result.os, { family: 'debian', release: '12', codename: 'bookworm' });
    assert.deepEqual(result.libc, { kind: 'glibc', version: '2.36' });
    assert.deepEqual(result.libssl, ['libssl.so.3']);
    assert.deepEqual(result.libcrypto, ['libcrypto.so.3']);
    assert.deepEqual(result.current, { erts: '13.1.5', version: '0.1.0', otpMajor: '25' });
  });

  it('has no current release before the first deploy', () => {
    assert.equal(probe(BULLSEYE).current, undefined);
    assert.deepEqual(probe(BULLSEYE).libcrypto, ['libcrypto.so.1.1']);
  });

  it('finds nothing wrong on a matching bookworm host', () => {
    assert.deepEqual(hostProbeFindings({ host: 'web1:22', range: HOST_RANGE, result: probe(BOOKWORM), built: BUILT }), []);
  });

  it('host-os-mismatch on a bullseye host: OS, glibc and libcrypto in one error', () => {
    const findings = hostProbeFindings({ host: 'old:22', range: HOST_RANGE, result: probe(BULLSEYE), built: BUILT });
    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.equal(finding.code, 'host-os-mismatch');
    assert.equal(finding.severity, 'error');
    assert.deepEqual([finding.file, finding.line, finding.column, finding.endColumn], ['config/deploy.yml', 16, 9, 55]);
    assert.equal(finding.message,
      'Host old:22: it runs Debian 11 (bullseye), but the release is built on Debian 12 (bookworm); ' +
      "its glibc 2.31 is older than the build image's 2.36, which the release's ERTS needs; " +
      'it has no libcrypto.so.3 (it has libcrypto.so.1.1), which the crypto application needs');
    assert.deepEqual(finding.related, [{ ...BUILT.range!, message: `The release is built by ${BUILT.label}` }]);
  });

  it('a statically known builder (no glibc, no libcrypto) still catches the OS', () => {
    const findings = hostProbeFindings({ host: 'old:22', range: HOST_RANGE, result: probe(BULLSEYE), built: { label: 'b', os: BUILT.os } });
    assert.deepEqual(findings.map((f) => f.message), ['Host old:22: it runs Debian 11 (bullseye), but the release is built on Debian 12 (bookworm)']);
    assert.equal(findings[0].related, undefined);
  });

  it('otp-major-change (info) when production runs another OTP major', () => {
    const findings = hostProbeFindings({ host: 'web1:22', range: HOST_RANGE, result: probe(BOOKWORM), built: { ...BUILT, otp: '26.2.5' } });
    assert.deepEqual(findings.map((f) => [f.code, f.severity, f.message]), [
      ['otp-major-change', 'info', 'Host web1:22 runs OTP 25 (erts-13.1.5, release 0.1.0); this deploy would switch it to OTP 26'],
    ]);
  });

  it('no otp-major-change before the first deploy', () => {
    assert.deepEqual(hostProbeFindings({ host: 'old:22', range: HOST_RANGE, result: probe(BULLSEYE), built: { label: 'b', otp: '26.2.5' } }), []);
  });

  it('combines the Dockerfile and the image probe into what the release is built with', () => {
    const described = { image: 'hexpm/elixir:x', otp: '25', os: { family: 'debian' }, range: BUILT.range };
    assert.deepEqual(builtWith(described), { label: 'the build image hexpm/elixir:x', os: { family: 'debian' }, otp: '25', libc: undefined, libcrypto: undefined, range: BUILT.range });
    const image = { image: 'local/b', otp: '25.2.3', os: BUILT.os, libc: BUILT.libc, libcrypto: ['libcrypto.so.3'] };
    assert.deepEqual(builtWith(described, image), { ...BUILT, label: 'the build image local/b' });
  });

});
