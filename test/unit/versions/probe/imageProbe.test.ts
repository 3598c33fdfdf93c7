import assert from 'node:assert/strict';
import { IMAGE_PROBE_COMMAND, imageProbeFindings, parseImageProbeOutput } from '../../../../src/core/probe/image';
import { parseLibc } from '../../../../src/core/probe/libs';
import { renderCommand } from '../../../../src/core/shell';
import { project, summary } from '../fixtures';

/** What the probe prints in local/elixir-build:1.14.0-otp-25-bookworm. */
const BOOKWORM_OUTPUT = `@@erl
erts 13.1.5
otp 25.2.3
@@elixir
Erlang/OTP 25 [erts-13.1.5] [source] [64-bit] [smp:2:2] [ds:2:2:10] [async-threads:1] [jit:ns]

Elixir 1.14.0 (compiled with Erlang/OTP 24)
@@os-release
PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
@@libc
ldd (Debian GLIBC 2.36-9+deb12u14) 2.36
Copyright (C) 2022 Free Software Foundation, Inc.
@@libcrypto
/usr/lib/x86_64-linux-gnu/libcrypto.so.3
`;

const ALPINE_OUTPUT = `@@erl\r\nerts 14.2.5\r\notp 26.2.5\r\n@@elixir\r\nElixir 1.16.2 (compiled with Erlang/OTP 26)\r\n@@os-release\r\nNAME="Alpine Linux"\r\nID=alpine\r\nVERSION_ID=3.19.1\r\n@@libc\r\nmusl libc (x86_64)\r\nVersion 1.2.4_git20230717\r\nDynamic Program Loader\r\n@@libcrypto\r\n/lib/libcrypto.so.3\r\n/usr/lib/libcrypto.so.3\r\n`;

describe('image probe output', () => {
  it('reads OTP, ERTS, Elixir, the OS and glibc', () => {
    assert.deepEqual(parseImageProbeOutput('img', BOOKWORM_OUTPUT), {
      image: 'img',
      otp: '25.2.3',
      erts: '13.1.5',
      elixir: '1.14.0',
      elixirCompiledWithOtp: '24',
      os: { family: 'debian', release: '12', codename: 'bookworm' },
      osRelease: { id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', os: { family: 'debian', release: '12', codename: 'bookworm' } },
      libc: { kind: 'glibc', version: '2.36' },
      libcrypto: ['libcrypto.so.3'],
    });
  });

  it('reads musl images and CRLF output', () => {
    const result = parseImageProbeOutput('img', ALPINE_OUTPUT);
    assert.equal(result.otp, '26.2.5');
    assert.deepEqual(result.os, { family: 'alpine', release: '3.19' });
    assert.deepEqual(result.libc, { kind: 'musl', version: '1.2.4_git20230717' });
    assert.deepEqual(result.libcrypto, ['libcrypto.so.3']);
  });

  it('leaves out what a broken image did not print', () => {
    const result = parseImageProbeOutput('img', '@@erl\nsh: erl: not found\n@@elixir\nsh: elixir: not found\n@@os-release\n@@libc\n@@libcrypto\n');
    assert.deepEqual(result, { image: 'img', otp: undefined, erts: undefined, elixir: undefined, elixirCompiledWithOtp: undefined, os: undefined, osRelease: { id: undefined, versionId: undefined, prettyName: undefined }, libc: undefined, libcrypto: [] });
    assert.deepEqual(parseLibc('ldd (GNU libc) 2.39'), { kind: 'glibc', version: '2.39' });
    assert.deepEqual(parseLibc('ldd (Ubuntu GLIBC 2.35-0ubuntu3.8) 2.35'), { kind: 'glibc', version: '2.35' });
    assert.equal(parseLibc('sh: ldd: not found'), undefined);
  });

  it('is one quoted shell command with fixed words', () => {
    const rendered = renderCommand(IMAGE_PROBE_COMMAND);
    assert.match(rendered, /^echo @@erl ; erl -noshell -eval '.*OTP_VERSION.*' ; echo @@elixir ; elixir --version ; echo @@os-release ; cat \/etc\/os-release ; echo @@libc ; ldd --version 2>&1 ; echo @@libcrypto ; find /);
    assert.ok(!rendered.includes('$('), 'no command substitution');
  });

  it('maps probed versions to the same finding codes as the static check', () => {
    const probe = parseImageProbeOutput('local/elixir-build:1.14.0-otp-25-bookworm', BOOKWORM_OUTPUT);
    const findings = imageProbeFindings(project(), probe);
    // Elixir 1.14.0 in the image fails "~> 1.15"; the pinned 1.16.2 meets it.
    assert.deepEqual(summary(findings), [
      'erlang-mismatch error .tool-versions:1:8-1:14',
      'elixir-mismatch warning .tool-versions:2:8-2:14',
      'elixir-mismatch warning Dockerfile:2:20-2:26',
      'erlang-mismatch error Dockerfile:3:17-3:23',
      'erlang-mismatch error Dockerfile:9:6-9:22',
      'elixir-mismatch warning Dockerfile:9:6-9:22',
      'elixir-requirement warning Dockerfile:9:6-9:22',
      'elixir-requirement warning mix.exs:8:16-8:23',
    ]);
    assert.match(findings[0].message, /the build image local\/elixir-build:1\.14\.0-otp-25-bookworm \(probed\) builds with OTP 25\.2\.3/);
  });
});
