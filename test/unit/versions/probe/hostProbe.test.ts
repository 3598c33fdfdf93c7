import assert from 'node:assert/strict';
import { builtWith, hostProbeCommand, hostProbeFindings, parseHostProbeOutput, parseStartErl, probeHost, type BuiltWith, type RemoteExec } from '../../../../src/core/probe/host';

/** Real output of the probe command on the testbed's local/phx-host images. */
const BOOKWORM = `@@os-release
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
@@libc
ldd (Debian GLIBC 2.36-9+deb12u14) 2.36
Copyright (C) 2022 Free Software Foundation, Inc.
@@libs
/usr/lib/x86_64-linux-gnu/libssl.so.3
/usr/lib/x86_64-linux-gnu/libcrypto.so.3
@@start-erl
13.1.5 0.1.0
@@end
`;

const BULLSEYE = `@@os-release
PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"
VERSION_ID="11"
VERSION_CODENAME=bullseye
ID=debian
@@libc
ldd (Debian GLIBC 2.31-13+deb11u11) 2.31
@@libs
/usr/lib/x86_64-linux-gnu/libcrypto.so.1.1
/usr/lib/x86_64-linux-gnu/libssl.so.1.1
@@start-erl
@@end
`;

const BUILT: BuiltWith = {
  label: 'the build image hexpm/elixir:1.14.0-erlang-25.2.3-debian-bookworm-20250520-slim',
  os: { family: 'debian', release: '12', codename: 'bookworm' },
  otp: '25.2.3',
  libc: { kind: 'glibc', version: '2.36' },
  libcrypto: ['libcrypto.so.3'],
  range: { file: 'Dockerfile', line: 12, column: 6, endLine: 12, endColumn: 22 },
};
const HOST_RANGE = { file: 'config/deploy.yml', line: 16, column: 9, endLine: 16, endColumn: 55 };

function fakeRemote(stdout: string, code = 0): RemoteExec & { commands: string[] } {
  const commands: string[] = [];
  return {
    commands,
    async exec(command: string) {
      commands.push(command);
      return { code, stdout, stderr: '' };
    },
  };
}

describe('host probe', () => {
  it('is one remote command, quoted by renderCommand', () => {
    assert.equal(hostProbeCommand('/opt/hello_phoenix/'),
      "echo @@os-release ; cat /etc/os-release 2>/dev/null ; echo @@libc ; ldd --version 2>&1 ; echo @@libs ; " +
      "find /lib /usr/lib /lib64 /usr/lib64 /usr/local/lib -maxdepth 3 -name 'libssl.so.*' -o -name 'libcrypto.so.*' 2>/dev/null ; " +
      'echo @@start-erl ; cat /opt/hello_phoenix/current/releases/start_erl.data 2>/dev/null ; echo @@end');
    assert.match(hostProbeCommand("/opt/it's"), /cat '\/opt\/it'\\''s\/current\/releases\/start_erl\.data'/);
  });

  it('makes exactly one round trip and parses a bookworm host', async () => {
    const remote = fakeRemote(BOOKWORM);
    const result = await probeHost(remote, '/opt/hello_phoenix');
    assert.equal(remote.commands.length, 1);
    assert.deepEqual(result.os, { family: 'debian', release: '12', codename: 'bookworm' });
    assert.deepEqual(result.libc, { kind: 'glibc', version: '2.36' });
    assert.deepEqual(result.libssl, ['libssl.so.3']);
    assert.deepEqual(result.libcrypto, ['libcrypto.so.3']);
    assert.deepEqual(result.current, { erts: '13.1.5', version: '0.1.0', otpMajor: '25' });
  });

  it('fails loudly when the output is cut short', async () => {
    await assert.rejects(probeHost(fakeRemote('@@os-release\nID=debian\n', 255), '/opt/a'), /did not complete \(exit 255\)/);
  });

  it('finds nothing wrong on a matching bookworm host', () => {
    assert.deepEqual(hostProbeFindings({ host: 'web1:22', range: HOST_RANGE, result: parseHostProbeOutput(BOOKWORM), built: BUILT }), []);
  });

  it('host-os-mismatch on a bullseye host: OS, glibc and libcrypto in one error', () => {
    const findings = hostProbeFindings({ host: 'old:22', range: HOST_RANGE, result: parseHostProbeOutput(BULLSEYE), built: BUILT });
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
    const findings = hostProbeFindings({ host: 'old:22', range: HOST_RANGE, result: parseHostProbeOutput(BULLSEYE), built: { label: 'b', os: BUILT.os } });
    assert.deepEqual(findings.map((f) => f.message), ['Host old:22: it runs Debian 11 (bullseye), but the release is built on Debian 12 (bookworm)']);
    assert.equal(findings[0].related, undefined);
  });

  it('otp-major-change (info) when production runs another OTP major', () => {
    const findings = hostProbeFindings({ host: 'web1:22', range: HOST_RANGE, result: parseHostProbeOutput(BOOKWORM), built: { ...BUILT, otp: '26.2.5' } });
    assert.deepEqual(findings.map((f) => [f.code, f.severity, f.message]), [
      ['otp-major-change', 'info', 'Host web1:22 runs OTP 25 (erts-13.1.5, release 0.1.0); this deploy would switch it to OTP 26'],
    ]);
  });

  it('no otp-major-change before the first deploy', () => {
    assert.deepEqual(hostProbeFindings({ host: 'old:22', range: HOST_RANGE, result: parseHostProbeOutput(BULLSEYE), built: { label: 'b', otp: '26.2.5' } }), []);
  });

  it('combines the Dockerfile and the image probe into what the release is built with', () => {
    const described = { image: 'hexpm/elixir:x', otp: '25', os: { family: 'debian' }, range: BUILT.range };
    assert.deepEqual(builtWith(described), { label: 'the build image hexpm/elixir:x', os: { family: 'debian' }, otp: '25', libc: undefined, libcrypto: undefined, range: BUILT.range });
    const probe = { image: 'local/b', otp: '25.2.3', os: BUILT.os, libc: BUILT.libc, libcrypto: ['libcrypto.so.3'] };
    assert.deepEqual(builtWith(described, probe), { ...BUILT, label: 'the build image local/b' });
  });

  it('parses start_erl.data', () => {
    assert.deepEqual(parseStartErl('14.2.5 1.0.0\n'), { erts: '14.2.5', version: '1.0.0', otpMajor: '26' });
    assert.equal(parseStartErl(''), undefined);
    assert.equal(parseStartErl('cat: no such file'), undefined);
  });
});
