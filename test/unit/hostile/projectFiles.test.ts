/**
 * `.tool-versions` and Dockerfile edge cases (issue 7): binary content, CRLF, tabs, no trailing
 * newline, a 10 000-line file, and files that are not files at all (a FIFO, /dev/zero). The static
 * check never crashes or hangs, still reads what it can, and stays fast (times are printed).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkWorkspace } from '../../../src/core/check/workspace';
import { readProjectFiles } from '../../../src/core/versions/project';
import { EXAMPLE_APP } from '../../support/paths';

const TOOL_VERSIONS = 'erlang 25.2.3\nelixir 1.14.0-otp-25\n';
const timings: string[] = [];

interface Setup { toolVersions?: string | Buffer; dockerfile?: string | Buffer; link?: [string, string]; fifo?: string; remove?: string }

async function check(what: string, files: Setup, inspect?: (dir: string) => Promise<void>) {
  const dir = mkdtempSync(join(tmpdir(), 'pd7-files-'));
  try {
    cpSync(EXAMPLE_APP, dir, { recursive: true, filter: (p) => !/[\\/](_build|deps)([\\/]|$)/.test(p) });
    if (files.toolVersions !== undefined) writeFileSync(join(dir, '.tool-versions'), files.toolVersions);
    if (files.dockerfile !== undefined) writeFileSync(join(dir, 'Dockerfile'), files.dockerfile);
    if (files.link) {
      rmSync(join(dir, files.link[0]));
      symlinkSync(files.link[1], join(dir, files.link[0]));
    }
    if (files.fifo) {
      rmSync(join(dir, files.fifo));
      execFileSync('mkfifo', [join(dir, files.fifo)]);
    }
    if (files.remove) rmSync(join(dir, files.remove));
    await inspect?.(dir);
    const started = process.hrtime.bigint();
    const findings = await checkWorkspace(dir, { requireConfig: true });
    timings.push(`${what} ${(Number(process.hrtime.bigint() - started) / 1e6).toFixed(1)} ms`);
    for (const f of findings) assert.ok(f.line >= 1 && f.column >= 1 && f.endLine >= f.line, `${what}: ${JSON.stringify(f)}`);
    return findings;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const codes = (findings: Array<{ code: string; severity: string }>) => findings.filter((f) => f.severity !== 'info').map((f) => f.code);

describe('.tool-versions and Dockerfile edge cases', function () {
  this.timeout(20000);
  const dockerfile = readFileSync(join(EXAMPLE_APP, 'Dockerfile'), 'utf8');

  after(() => console.log(`      check times: ${timings.join('; ')}`));

  it('the example as shipped: no findings', async () => {
    assert.deepEqual(codes(await check('as shipped', {})), []);
  });

  it('CRLF, tabs, no trailing newline, comments and blank lines: read the same', async () => {
    assert.deepEqual(codes(await check('CRLF .tool-versions', { toolVersions: TOOL_VERSIONS.replace(/\n/g, '\r\n') })), []);
    assert.deepEqual(codes(await check('CRLF Dockerfile', { dockerfile: dockerfile.replace(/\n/g, '\r\n') })), []);
    assert.deepEqual(codes(await check('tabs', { toolVersions: 'erlang\t25.2.3\t\nelixir\t\t1.14.0-otp-25\n' })), []);
    assert.deepEqual(codes(await check('no trailing newline', { toolVersions: 'erlang 25.2.3\nelixir 1.14.0-otp-25' })), []);
    assert.deepEqual(codes(await check('Dockerfile without trailing newline', { dockerfile: dockerfile.trimEnd() })), []);
    assert.deepEqual(codes(await check('blank lines and comments', { toolVersions: '\n\n# pinned\n  erlang 25.2.3 # prod\n\n\nelixir 1.14.0-otp-25\n\n' })), []);
    // A real disagreement is still found through CRLF.
    assert.ok(codes(await check('CRLF mismatch', { toolVersions: 'erlang 26.2.5\r\nelixir 1.14.0-otp-25\r\n' })).includes('erlang-mismatch'));
  });

  it('binary content: no crash, findings stay in range', async () => {
    let seed = 7;
    const junk = Buffer.from(Array.from({ length: 65536 }, () => (seed = (seed * 1103515245 + 12345) & 0xff)));
    await check('binary .tool-versions', { toolVersions: junk });
    await check('binary Dockerfile', { dockerfile: junk });
    await check('NULs and a BOM', { toolVersions: `\ufeff${TOOL_VERSIONS}\u0000\u0000`, dockerfile: `\ufeff${dockerfile}\u0000` });
    await check('UTF-16', { toolVersions: Buffer.from(`\ufeff${TOOL_VERSIONS}`, 'utf16le') });
  });

  it('10 000-line files: no crash, the first erlang line wins', async () => {
    const tv = `${TOOL_VERSIONS}${Array.from({ length: 10000 }, (_, i) => `tool${i} ${i}.0.0`).join('\n')}\n`;
    assert.deepEqual(codes(await check('10k-line .tool-versions', { toolVersions: tv })), []);
    const df = `${dockerfile}\n${Array.from({ length: 10000 }, (_, i) => `RUN echo ${i} \\\n  && true`).join('\n')}\n`;
    assert.deepEqual(codes(await check('10k-line Dockerfile', { dockerfile: df })), []);
    const stages = `${dockerfile}\n${Array.from({ length: 10000 }, (_, i) => `FROM debian:bookworm AS s${i}`).join('\n')}\n`;
    await check('10k stages', { dockerfile: stages });
    await check('one 1 MB line', { toolVersions: `erlang ${'9'.repeat(1000000)}\n`, dockerfile: `ARG X=${'y'.repeat(1000000)}\n${dockerfile}` });
  });

  it('not a regular file (a FIFO, a link to /dev/zero, a directory): reported missing, never read forever', async () => {
    const cases: Array<[string, Setup, 'toolVersions' | 'dockerfile', string]> = [
      ['FIFO .tool-versions', { fifo: '.tool-versions' }, 'toolVersions', '.tool-versions'],
      ['Dockerfile → /dev/zero', { link: ['Dockerfile', '/dev/zero'] }, 'dockerfile', 'Dockerfile'],
      ['.tool-versions → /dev/urandom', { link: ['.tool-versions', '/dev/urandom'] }, 'toolVersions', '.tool-versions'],
      ['.tool-versions → a directory', { link: ['.tool-versions', '/tmp'] }, 'toolVersions', '.tool-versions'],
    ];
    for (const [what, setup, field, file] of cases) {
      const findings = await check(what, setup, async (dir) => {
        assert.equal((await readProjectFiles(dir))[field], undefined, `${what}: read as missing`);
      });
      // Exactly what the check says when the file is not there at all.
      assert.deepEqual(findings, await check(`${file} removed`, { remove: file }), what);
    }
    // And a real, mismatching pin is read (so "missing" above is not the check ignoring the file).
    await check('a regular .tool-versions', { toolVersions: 'erlang 26.2.5\n' }, async (dir) => {
      assert.equal((await readProjectFiles(dir)).toolVersions, 'erlang 26.2.5\n');
    });
  });
});
