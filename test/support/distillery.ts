/**
 * Releases of the example app as a Distillery 2.1.1 project builds them (test/fixtures/distillery
 * laid over examples/hello_phoenix, `mix distillery.release --env=prod`), plus a `mix release` of
 * the same app, all built in one container on Debian 11 (Elixir 1.10.3 / OTP 23), the Distillery
 * era's toolchain; their hosts must be bullseye too (glibc).
 */
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './paths';

const run = promisify(execFile);
export const BULLSEYE_BUILDER = 'local/elixir-build:1.10.3-otp-23-bullseye';
export const BULLSEYE_HOST = 'local/phx-systemd-host:bullseye';
const WORK = mkdtempSync(join(tmpdir(), 'pd23-distillery-'));
process.on('exit', () => rmSync(WORK, { recursive: true, force: true }));

export interface DistilleryReleases {
  /** Distillery release answering `ok 0.1.0 hello`. */
  a: string;
  /** Distillery release answering `ok 0.1.0 bonjour`. */
  b: string;
  /** `a` whose `foreground` exits 1 two seconds in, as an app crashing on boot. */
  crash: string;
  /** A `mix release` of the same app (answering `ok 0.1.0 hello`), built by the same toolchain. */
  mix: string;
}

function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  writeFileSync(file, text.replace(from, to));
}

function copyExample(dir: string): void {
  cpSync(join(REPO_ROOT, 'examples', 'hello_phoenix'), dir, { recursive: true, filter: (p) => !/[\\/](_build|deps)([\\/]|$)/.test(p) });
}

let built: Promise<DistilleryReleases> | undefined;

export function distilleryReleases(): Promise<DistilleryReleases> {
  built ??= (async () => {
    const src = join(WORK, 'src');
    for (const name of ['a', 'b']) {
      const dir = join(src, name);
      copyExample(dir);
      rmSync(join(dir, 'rel', 'overlays'), { recursive: true }); // Distillery has no rel/overlays/bin/migrate
      rmSync(join(dir, 'Dockerfile'));
      cpSync(join(REPO_ROOT, 'test', 'fixtures', 'distillery'), dir, { recursive: true, filter: (p) => !p.endsWith('README.md') });
      if (name === 'b') edit(join(dir, 'lib/hello_phoenix/greeting.ex'), '"hello"', '"bonjour"');
    }
    copyExample(join(src, 'mix'));
    edit(join(src, 'mix', 'mix.exs'), 'elixir: "~> 1.14"', 'elixir: "~> 1.10"');
    await run('docker', ['run', '--rm', '--network', 'none', '-v', `${src}:/src`, '-e', 'MIX_ENV=prod', '-e', 'LANG=C.UTF-8', BULLSEYE_BUILDER,
      'sh', '-c', 'set -e; for d in a b; do cd /src/$d && mix distillery.release --env=prod; done; cd /src/mix && mix release --overwrite --quiet'],
    { maxBuffer: 64 * 1024 * 1024 });
    const rel = (name: string) => join(src, name, '_build', 'prod', 'rel', 'hello_phoenix');
    const crash = join(WORK, 'crash');
    cpSync(rel('a'), crash, { recursive: true, verbatimSymlinks: true });
    appendFileSync(join(crash, 'releases/0.1.0/libexec/config.sh'),
      '\nif [ "$1" = foreground ]; then sleep 2; echo "crashing on boot on purpose" >&2; exit 1; fi\n');
    return { a: rel('a'), b: rel('b'), crash, mix: rel('mix') };
  })();
  return built;
}

/** Every entry of a release dir with its mode (files: size and sha256); equal before and after it ran means untouched. */
export const RELEASE_DIGEST_SH = 'cd "$1" && { find . -type d -printf "%p %y %m\\n"; find . ! -type d -printf "%p %y %m %s\\n"; } | sort && find . -type f -exec sha256sum {} + | sort';

export async function localDigest(dir: string): Promise<string> {
  const { stdout } = await run('sh', ['-c', RELEASE_DIGEST_SH, 'sh', dir], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}
