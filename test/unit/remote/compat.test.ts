import assert from 'node:assert/strict';
import { describeCompatProblems, parseLddOutput } from '../../../src/core/remote/compat';

// Recorded on a bullseye host (glibc 2.31) for a release built on bookworm: `find … -exec ldd {} +`.
const BULLSEYE_STDOUT = `./erts-13.1.5/bin/erlexec:
./erts-13.1.5/bin/erlexec: /lib/x86_64-linux-gnu/libc.so.6: version \`GLIBC_2.34' not found (required by ./erts-13.1.5/bin/erlexec)
\tlinux-vdso.so.1 (0x00007f2b43193000)
\tlibm.so.6 => /lib/x86_64-linux-gnu/libm.so.6 (0x00007f2b43036000)
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f2b42e62000)
\t/lib64/ld-linux-x86-64.so.2 (0x00007f2b43195000)
./erts-13.1.5/bin/start:
./erts-13.1.5/bin/beam.smp:
./erts-13.1.5/bin/beam.smp: /lib/x86_64-linux-gnu/libgcc_s.so.1: version \`GCC_12.0.0' not found (required by ./erts-13.1.5/bin/beam.smp)
./erts-13.1.5/bin/beam.smp: /lib/x86_64-linux-gnu/libstdc++.so.6: version \`GLIBCXX_3.4.29' not found (required by ./erts-13.1.5/bin/beam.smp)
./erts-13.1.5/bin/beam.smp: /lib/x86_64-linux-gnu/libc.so.6: version \`GLIBC_2.34' not found (required by ./erts-13.1.5/bin/beam.smp)
\tlibtinfo.so.6 => /lib/x86_64-linux-gnu/libtinfo.so.6 (0x00007fab2df8d000)
./lib/crypto-5.1.4/priv/lib/crypto.so:
./lib/crypto-5.1.4/priv/lib/crypto.so: /lib/x86_64-linux-gnu/libc.so.6: version \`GLIBC_2.34' not found (required by ./lib/crypto-5.1.4/priv/lib/crypto.so)
\tlinux-vdso.so.1 (0x00007ffd5d3e4000)
\tlibcrypto.so.3 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f0e5f2a1000)
`;
const BULLSEYE_STDERR = '\tnot a dynamic executable\n\tnot a dynamic executable\n';

describe('compat gate: ldd parsing', () => {
  it('finds missing symbol versions and missing libraries, naming file and library', () => {
    const problems = parseLddOutput(`${BULLSEYE_STDOUT}\n${BULLSEYE_STDERR}`);
    assert.deepEqual(problems, [
      { file: 'erts-13.1.5/bin/erlexec', library: 'libc.so.6', version: 'GLIBC_2.34' },
      { file: 'erts-13.1.5/bin/beam.smp', library: 'libgcc_s.so.1', version: 'GCC_12.0.0' },
      { file: 'erts-13.1.5/bin/beam.smp', library: 'libstdc++.so.6', version: 'GLIBCXX_3.4.29' },
      { file: 'erts-13.1.5/bin/beam.smp', library: 'libc.so.6', version: 'GLIBC_2.34' },
      { file: 'lib/crypto-5.1.4/priv/lib/crypto.so', library: 'libc.so.6', version: 'GLIBC_2.34' },
      { file: 'lib/crypto-5.1.4/priv/lib/crypto.so', library: 'libcrypto.so.3' },
    ]);
  });

  it('reports nothing for a compatible host, and survives stderr interleaved with headers', () => {
    const ok = `./erts-13.1.5/bin/beam.smp:\n\tnot a dynamic executable\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x1)\n./erts-13.1.5/bin/erl:\n`;
    assert.deepEqual(parseLddOutput(ok), []);
    assert.deepEqual(parseLddOutput(''), []);
  });

  it('attributes a single-file `=> not found` (no header) to an unknown file rather than dropping it', () => {
    assert.deepEqual(parseLddOutput('\tlibssl.so.3 => not found\n'), [{ file: '?', library: 'libssl.so.3' }]);
  });

  it('describes the block with host, file and library', () => {
    const text = describeCompatProblems('web1:22', parseLddOutput(BULLSEYE_STDOUT), 2);
    assert.match(text, /^release cannot run on web1:22: erts-13\.1\.5\/bin\/erlexec needs GLIBC_2\.34 from libc\.so\.6, which web1:22 lacks; /);
    assert.match(text, /and 4 more\./);
    assert.match(describeCompatProblems('h', [{ file: 'x.so', library: 'libcrypto.so.3' }]), /x\.so needs libcrypto\.so\.3, which is not installed on h/);
  });
});
