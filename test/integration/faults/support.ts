/**
 * Shared fixtures for the fault-injection suite: sandbox hosts with a private known_hosts file,
 * the real example release built once per test process (plus variants made from it), and a
 * connection wrapper that cuts the SSH connection at an exact point of a deploy.
 */
import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { EnvironmentConfig } from '../../../src/core/config/types';
import type { DeployOptions, ReleaseToDeploy } from '../../../src/core/deploy';
import type { FleetDeps } from '../../../src/core/fleet/types';
import { resolveTargets } from '../../../src/core/fleet/local';
import { makeReleaseId } from '../../../src/core/release/id';
import { renderCommand, type Command } from '../../../src/core/shell';
import { connectTarget } from '../../../src/core/ssh/chain';
import type { SshConnection } from '../../../src/core/ssh/connection';
import type { ExecResult } from '../../../src/core/ssh/exec';
import type { RemoteChannel } from '../../../src/core/ssh/tunnel';
import { REPO_ROOT, SANDBOX_KEY } from '../../support/paths';

export const run = promisify(execFile);
export const D = '/opt/hello_phoenix';
export const KEY = SANDBOX_KEY;
export const IMAGE = 'local/elixir-build:1.14.0-otp-25-bookworm';
const HOSTS_SH = join(REPO_ROOT, 'scripts', 'testbed', 'hosts.sh');

/** One scratch dir per test process: releases, known_hosts, projects. Removed at exit. */
export const WORK = mkdtempSync(join(tmpdir(), 'pd-faults-'));
/** This suite's own known_hosts, so changing a host key never touches the shared testbed file. */
export const KNOWN = join(WORK, 'known_hosts');
writeFileSync(KNOWN, '');
const started = new Set<string>();
process.on('exit', () => {
  if (started.size > 0) {
    try {
      for (const name of started) execFileSync('bash', [HOSTS_SH, 'stop', name], { stdio: 'ignore', env: hostsEnv(name) });
    } catch {
      // best effort: a later `hosts.sh start` replaces a leftover container anyway
    }
  }
  rmSync(WORK, { recursive: true, force: true });
});

/** A host named with a suite's own prefix (`pd14-web1`) is its container's name; others are `phx-sandbox-<name>`. */
export const container = (name: string) => (/^pd\d+-/.test(name) ? name : `phx-sandbox-${name}`);
/** hosts.sh's environment for one host: the container prefix that gives it container(name). */
const hostsEnv = (name: string, extra: Record<string, string> = {}) =>
  ({ ...process.env, HOST_CONTAINER_PREFIX: container(name).slice(0, -name.length), ...extra });

/** Starts (or restarts) a sandbox host and trusts its key in this suite's known_hosts. */
export async function startHost(name: string, port: number, dockerArgs = ''): Promise<void> {
  await run('bash', [HOSTS_SH, 'start', name, String(port), 'bookworm', 'hello_phoenix'], { env: hostsEnv(name, { HOST_DOCKER_ARGS: dockerArgs }) });
  started.add(name);
  await trustHost(port);
}

export async function stopHosts(...names: string[]): Promise<void> {
  for (const n of names) {
    await run('bash', [HOSTS_SH, 'stop', n], { env: hostsEnv(n) });
    started.delete(n);
  }
}

/** Replaces this suite's known_hosts entry for the port with the key the host presents now. */
export async function trustHost(port: number): Promise<void> {
  const { stdout } = await run('ssh-keyscan', ['-T', '5', '-t', 'ed25519', '-p', String(port), '127.0.0.1']);
  const others = readFileSync(KNOWN, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.startsWith(`[127.0.0.1]:${port} `));
  writeFileSync(KNOWN, `${[...others, stdout.trim()].join('\n')}\n`);
}

/** Runs a script as root inside the host container (never over SSH, so cutting SSH never blinds the test). */
export async function onHost(name: string, script: string): Promise<string> {
  const { stdout } = await run('docker', ['exec', container(name), 'sh', '-c', script]);
  return stdout.trim();
}

export const current = (name: string) => onHost(name, `readlink ${D}/current || echo none`);
export const lockState = (name: string) => onHost(name, `{ test -e ${D}/deploy.lock || test -L ${D}/deploy.lock; } && echo locked || echo free`);
export const health = (name: string) => onHost(name, 'curl -s -m 5 http://127.0.0.1:4000/health || echo down');
export const lastLog = async (name: string) => JSON.parse(await onHost(name, `tail -n 1 ${D}/deploys.log`)) as Record<string, unknown>;

/** Kills every SSH session of the deploy user: each open connection to the host is cut at once. */
export function cutSessions(name: string): void {
  execFileSync('docker', ['exec', container(name), 'pkill', '-f', 'sshd: deploy'], { stdio: 'ignore' });
}

/** Takes the host off the network as far as SSH goes: no listener, no sessions. */
export function takeOffline(name: string): void {
  execFileSync('docker', ['exec', container(name), 'sv', 'stop', 'ssh'], { stdio: 'ignore' });
  cutSessions(name);
}

export async function bringOnline(name: string, port: number): Promise<void> {
  await onHost(name, 'sv start ssh');
  for (let i = 0; i < 50; i++) {
    if ((await run('ssh-keyscan', ['-T', '2', '-p', String(port), '127.0.0.1']).catch(() => ({ stdout: '' }))).stdout.trim()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`sshd on ${port} did not come back`);
}

/** Waits until a connection notices that its transport is gone. */
export async function waitClosed(conn: SshConnection): Promise<void> {
  for (let i = 0; i < 250 && conn.isAlive?.() !== false; i++) await new Promise((r) => setTimeout(r, 20));
  if (conn.isAlive?.() !== false) throw new Error(`${conn.name} still looks alive after the cut`);
}

// ---------------------------------------------------------------------------------------------
// Releases

export interface Releases {
  /** The example app answering `ok 0.1.0 hello`. */
  a: string;
  /** The same app answering `ok 0.1.0 bonjour`. */
  b: string;
  /** Answers 500 on /health. */
  e500: string;
  /** A whose `start` dies 2 s into booting, as an app crashing in its start/2 does (migrations still run). */
  crash: string;
  /** A with a HANG marker the hanging restart script looks for. */
  hang: string;
  /** A plus 16 × 256 KiB of incompressible files: an upload long enough to cut. */
  ballast: string;
  /** A plus 24 MiB of incompressible files: fills a small disk. */
  big: string;
  /** Bytes of ballast in `ballast`. */
  ballastBytes: number;
}

let built: Promise<Releases> | undefined;

/** Builds the example app three ways in one container, then derives the other variants by copying. */
export function releases(): Promise<Releases> {
  built ??= (async () => {
    const src = join(WORK, 'src');
    const variants: Record<string, (dir: string) => void> = {
      a: () => undefined,
      b: (dir) => edit(join(dir, 'lib/hello_phoenix/greeting.ex'), '"hello"', '"bonjour"'),
      e500: (dir) => edit(join(dir, 'lib/hello_phoenix/endpoint.ex'), '"/health" -> reply(200,', '"/health" -> reply(500,'),
    };
    for (const [name, change] of Object.entries(variants)) {
      const dir = join(src, name);
      cpSync(join(REPO_ROOT, 'examples', 'hello_phoenix'), dir, { recursive: true, filter: (p) => !/[\\/](_build|deps)([\\/]|$)/.test(p) });
      change(dir);
    }
    await run('docker', ['run', '--rm', '--network', 'none', '-v', `${src}:/src`, '-e', 'MIX_ENV=prod', '-e', 'LANG=C.UTF-8', IMAGE,
      'sh', '-c', 'set -e; for d in a b e500; do cd /src/$d && mix release --overwrite --quiet; done'], { maxBuffer: 64 * 1024 * 1024 });
    const rel = (name: string) => join(src, name, '_build', 'prod', 'rel', 'hello_phoenix');
    const derive = (name: string, fn: (dir: string) => void) => {
      const dir = join(WORK, 'rel', name);
      cpSync(rel('a'), dir, { recursive: true, verbatimSymlinks: true });
      fn(dir);
      return dir;
    };
    const random = (dir: string, sub: string, count: number, size: number) => {
      mkdirSync(join(dir, sub), { recursive: true });
      for (let i = 0; i < count; i++) writeFileSync(join(dir, sub, `part-${String(i).padStart(2, '0')}.bin`), randomBytes(size));
    };
    const ballastCount = 16;
    const ballastSize = 256 * 1024;
    return {
      a: rel('a'),
      b: rel('b'),
      e500: rel('e500'),
      crash: derive('crash', (dir) => appendFileSync(join(dir, 'releases/0.1.0/env.sh'),
        '\nif [ "$RELEASE_COMMAND" = start ]; then sleep 2; echo "crashing on boot on purpose" >&2; exit 1; fi\n')),
      hang: derive('hang', (dir) => writeFileSync(join(dir, 'HANG'), 'the fault suite\'s restart script hangs for this release\n')),
      ballast: derive('ballast', (dir) => random(dir, 'ballast', ballastCount, ballastSize)),
      big: derive('big', (dir) => random(dir, 'ballast', 24, 1024 * 1024)),
      ballastBytes: ballastCount * ballastSize,
    };
  })();
  return built;
}

function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(from)) throw new Error(`${file} does not contain ${from}`);
  writeFileSync(file, text.replace(from, to));
}

let seconds = 0;
/** A release to deploy: a fresh id each time (one second later than the last), in id = time order. */
export function release(path: string, commit = (0x1000000 + seconds).toString(16).slice(-7)): ReleaseToDeploy {
  const id = makeReleaseId(new Date(Date.UTC(2026, 1, 1, 0, 0, seconds++)), '0.1.0', commit);
  return { id, app: 'hello_phoenix', version: '0.1.0', commit, path };
}

// ---------------------------------------------------------------------------------------------
// Deploy options

export const HOME = mkdtempSync(join(WORK, 'home-')); // no ~/.ssh/config of the machine

export function environment(ports: number[], overrides: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  return {
    name: 'production', user: 'deploy', deployTo: D, os: 'debian-12',
    hosts: ports.map((port, i) => ({ host: '127.0.0.1', port, user: 'deploy', primary: i === 0 })),
    migrate: ['bin/migrate'], restart: ['sudo', 'sv', 'restart', 'hello_phoenix'],
    health: { url: 'http://127.0.0.1:4000/health', expect: 200, timeout: 30 },
    keepReleases: 3, ssh: { identityFile: KEY, knownHosts: KNOWN, configFile: 'none' }, ...overrides,
  };
}

export const identity = (who = 'faults@example.com', pid = process.pid) =>
  ({ who, developer: who.replace(/[^a-z0-9._-]+/g, '_'), localHost: 'fault-suite', pid });

export async function options(env: EnvironmentConfig, rel: ReleaseToDeploy, deps: Partial<FleetDeps> = {}): Promise<DeployOptions> {
  return { environment: env, targets: await resolveTargets(env, { home: HOME }), release: rel, identity: identity(), healthIntervalMs: 300, deps };
}

export async function remote(env: EnvironmentConfig) {
  return { environment: env, targets: await resolveTargets(env, { home: HOME }), identity: identity() };
}

/** Writes shared/env: a migrations log, plus `extraEnv` lines (`\\n`-separated, for printf). */
export async function writeEnv(name: string, extraEnv = ''): Promise<void> {
  await onHost(name, `mkdir -p ${D}/shared && printf 'MIGRATIONS_LOG=${D}/shared/migrations.log\\n${extraEnv}' > ${D}/shared/env && chown -R deploy:deploy ${D}/shared`);
}

/** Prepares a fresh host for the app: shared/env, the service stopped (the first deploy starts it). */
export async function prepareHost(name: string): Promise<void> {
  await writeEnv(name);
  await onHost(name, 'sv stop hello_phoenix >/dev/null || true');
}

// ---------------------------------------------------------------------------------------------
// Fault injection

export interface FaultHooks {
  /** Called after a command returned on a host (`host` is `127.0.0.1:port`), before the engine sees the result. */
  afterExec?(host: string, command: string, result: ExecResult, conn: SshConnection): Promise<void> | void;
}

/** The real connection, wrapped so a test can cut it at an exact point. */
export function faultyDeps(hooks: FaultHooks): Partial<FleetDeps> {
  return {
    connect: async (t, signal) => {
      const conn = await connectTarget(t, { signal });
      return wrap(conn, t.key, hooks);
    },
  };
}

function wrap(conn: SshConnection, key: string, hooks: FaultHooks): SshConnection {
  return {
    target: conn.target,
    name: conn.name,
    fingerprint: conn.fingerprint,
    isAlive: () => conn.isAlive?.() !== false,
    async exec(command: Command, o) {
      const result = await conn.exec(command, o);
      await hooks.afterExec?.(key, renderCommand(command), result, conn);
      return result;
    },
    httpGet: (url, o) => conn.httpGet(url, o),
    channel: (command: Command): Promise<RemoteChannel> => conn.channel(command),
    close: () => conn.close(),
  };
}

/** An rsync that sends at about 1 MB/s, so a test can act while an upload is under way. */
export function slowRsync(): string {
  const file = join(WORK, 'rsync-slow');
  writeFileSync(file, '#!/bin/sh\nexec rsync --bwlimit=1000 "$@"\n', { mode: 0o755 });
  return file;
}

/** sha256 of every file of a local release, as `sha256sum` prints them sorted: to compare with a host. */
export function localSums(dir: string): string {
  return execFileSync('sh', ['-c', 'cd "$1" && find . -type f -exec sha256sum {} + | sort -k 2', 'sh', dir], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }).trim();
}

export const remoteSums = (name: string, id: string) =>
  onHost(name, `cd ${D}/releases/${id} && find . -type f -exec sha256sum {} + | sort -k 2`);
