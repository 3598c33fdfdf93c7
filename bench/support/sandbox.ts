/**
 * Shared pieces of the deploy benchmarks: sandbox hosts (scripts/testbed/hosts.sh, ports 2300–2330
 * on 127.0.0.1 only), real releases from the build engine, and FleetDeps wrapped to count SSH
 * connections and remote round trips per host. Nothing here changes how the engine works.
 * On a machine shared by several people, BENCH_PORTS=2500-2530 moves the whole port range and
 * BENCH_CONTAINER_PREFIX=pd14- names the hosts' containers (default hosts.sh's phx-sandbox-).
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import Docker from 'dockerode';
import { runBuild, type Manifest } from '../../src/core/releaseBuild';
import { parseDeployConfig } from '../../src/core/config/load';
import type { EnvironmentConfig } from '../../src/core/config/types';
import { resolveTargets } from '../../src/core/fleet/local';
import { defaultDeps } from '../../src/core/fleet/local';
import type { DeployIdentity, FleetDeps, RemoteOptions } from '../../src/core/fleet/types';
import type { DeployOptions, ReleaseToDeploy } from '../../src/core/deploy/types';
import type { PlanEvent } from '../../src/core/plan/types';
import { makeReleaseId } from '../../src/core/release/id';
import { renderCommand } from '../../src/core/shell';
import { connectSsh, type SshConnection } from '../../src/core/ssh/connection';
import type { ResolvedTarget } from '../../src/core/ssh/target';

const run = promisify(execFile);
export const REPO = path.resolve(__dirname, '..', '..', '..');
const HOSTS_SH = path.join(REPO, 'scripts', 'testbed', 'hosts.sh');
const TESTBED = process.env.TESTBED_DIR ?? '/var/cache/phoenix-deploy-testbed';
export const KEY = path.join(TESTBED, 'sandbox', 'id_ed25519');
export const KNOWN_HOSTS = path.join(TESTBED, 'sandbox', 'known_hosts');
export const DEPLOY_TO = '/opt/hello_phoenix';
export const APP = 'hello_phoenix';

export const now = () => Number(process.hrtime.bigint()) / 1e6;
export const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
export const today = () => new Date().toISOString().slice(0, 10);

/** Sandbox host names are prefixed so a bench never touches the tests' or the demo's hosts. */
export interface BenchHost {
  name: string;
  port: number;
}

/** `firstPort` is given in the default range 2300-2330; BENCH_PORTS shifts it. */
export function benchHosts(prefix: string, firstPort: number, count: number): BenchHost[] {
  if (firstPort < 2300 || firstPort + count - 1 > 2330) throw new Error(`bench hosts must use ports 2300-2330 (asked ${firstPort}+${count})`);
  const [first, last] = (process.env.BENCH_PORTS ?? '2300-2330').split('-').map(Number);
  const shifted = firstPort - 2300 + first;
  if (!(shifted + count - 1 <= last)) throw new Error(`BENCH_PORTS=${process.env.BENCH_PORTS} has no room for ${count} hosts from ${shifted}`);
  return Array.from({ length: count }, (_, i) => ({ name: `bench-${prefix}${i + 1}`, port: shifted + i }));
}

const CONTAINER_PREFIX = process.env.BENCH_CONTAINER_PREFIX ?? 'phx-sandbox-';
/** The host's container name. */
export const containerOf = (h: BenchHost) => `${CONTAINER_PREFIX}${h.name}`;
/** hosts.sh, naming containers as containerOf does. */
export const hostsScript = (...args: string[]) => run('bash', [HOSTS_SH, ...args], { env: { ...process.env, HOST_CONTAINER_PREFIX: CONTAINER_PREFIX } });

/** Starts hosts (fresh containers, keys trusted), then stops the app so the first deploy's restart starts it. */
export async function startHosts(hosts: BenchHost[]): Promise<void> {
  await Promise.all(hosts.map((h) => hostsScript('start', h.name, String(h.port), 'bookworm', APP)));
}

export async function stopHosts(hosts: BenchHost[]): Promise<void> {
  if (hosts.length > 0) await hostsScript('stop', ...hosts.map((h) => h.name)).catch(() => undefined);
}

export function environment(hosts: BenchHost[], overrides: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  return {
    name: 'production', user: 'deploy', deployTo: DEPLOY_TO, os: 'debian-12',
    hosts: hosts.map((h, i) => ({ host: '127.0.0.1', port: h.port, user: 'deploy', primary: i === 0 })),
    migrate: ['bin/migrate'], restart: ['sudo', 'sv', 'restart', APP],
    health: { url: 'http://127.0.0.1:4000/health', expect: 200, timeout: 60 },
    keepReleases: 5, ssh: { identityFile: KEY, knownHosts: KNOWN_HOSTS, configFile: 'none' }, ...overrides,
  };
}

export const identity: DeployIdentity = { who: 'bench@example.com', developer: 'bench_example.com', localHost: 'bench', pid: process.pid };

/** A plain ssh2 connection to a bench host (for checks and load, never counted). */
export function connect(h: BenchHost): Promise<SshConnection> {
  return connectSsh({ host: '127.0.0.1', port: h.port, user: 'deploy' }, { knownHostsFile: KNOWN_HOSTS, identityFiles: [KEY] });
}

export async function sh(conn: SshConnection, script: string): Promise<string> {
  const r = await conn.exec(['sh', '-c', script]);
  if (r.code !== 0) throw new Error(`${conn.name}: ${script} failed (${r.code}): ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** Per host: SSH connections opened, exec round trips, rsync channels, HTTP health requests, and each exec's first words. */
export interface HostCounts {
  connects: number;
  execs: number;
  channels: number;
  http: number;
  commands: string[];
}

export class Counter {
  readonly hosts = new Map<string, HostCounts>();
  /** Connections being opened right now, and the most at once since reset(). */
  private connecting = 0;
  peakConnecting = 0;

  of(key: string): HostCounts {
    let c = this.hosts.get(key);
    if (!c) this.hosts.set(key, (c = { connects: 0, execs: 0, channels: 0, http: 0, commands: [] }));
    return c;
  }

  reset(): void {
    this.hosts.clear();
    this.peakConnecting = 0;
  }

  /** Round trips = exec calls + exec channels (rsync); health GETs are reported on their own. */
  roundTrips(key: string): number {
    const c = this.of(key);
    return c.execs + c.channels;
  }

  /** Wraps the real deps so every connection and command is counted per host. */
  deps(base: FleetDeps): Partial<FleetDeps> {
    return {
      connect: async (t: ResolvedTarget, signal: AbortSignal) => {
        const counts = this.of(t.key);
        counts.connects++;
        this.peakConnecting = Math.max(this.peakConnecting, ++this.connecting);
        try {
          return this.wrap(await base.connect(t, signal), counts);
        } finally {
          this.connecting--;
        }
      },
    };
  }

  wrap(conn: SshConnection, counts: HostCounts): SshConnection {
    return {
      ...conn, // whatever else the connection offers (e.g. isAlive), unchanged
      exec: (command, options) => {
        counts.execs++;
        counts.commands.push((renderCommand(command)).slice(0, 70));
        return conn.exec(command, options);
      },
      channel: (command) => {
        counts.channels++;
        counts.commands.push(`[channel] ${renderCommand(command).slice(0, 60)}`);
        return conn.channel(command);
      },
      httpGet: (url, options) => {
        counts.http++;
        return conn.httpGet(url, options);
      },
    };
  }
}

/** Remote options for bench hosts (no ssh config of the machine: `config_file: none`), with counting deps. */
export async function remoteOptions(hosts: BenchHost[], counter: Counter, env = environment(hosts)): Promise<RemoteOptions> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'pd-bench-home-'));
  const targets = await resolveTargets(env, { home });
  rmSync(home, { recursive: true, force: true });
  return { environment: env, targets, identity, deps: counter.deps(defaultDeps({})) };
}

/** Deploy options for bench hosts, with counting deps. */
export async function deployOptions(hosts: BenchHost[], release: ReleaseToDeploy, counter: Counter, extra: Partial<DeployOptions> = {}): Promise<DeployOptions> {
  return { ...(await remoteOptions(hosts, counter)), release, ...extra };
}

/** Collects step durations and errors from plan events. */
export function stepSink(): { steps: Record<string, number>; notes: string[]; emit(e: PlanEvent): void } {
  const steps: Record<string, number> = {};
  const notes: string[] = [];
  return {
    steps, notes,
    emit(e) {
      if (e.type === 'step-end') steps[e.step] = e.durationMs;
      if (e.type === 'note' && e.level === 'warning') notes.push(`${e.host ?? ''} ${e.message}`);
    },
  };
}

export function formatSteps(steps: Record<string, number>): string {
  return Object.entries(steps).map(([k, v]) => `${k} ${v}`).join(', ');
}

/** Ids one second apart from a fixed start, so id order is deploy order. */
export function releaseIds(start = Date.UTC(2026, 0, 1)) {
  let n = 0;
  return (m: Manifest | ReleaseToDeploy): ReleaseToDeploy => ({
    id: makeReleaseId(new Date(start + 1000 * n++), m.version, m.commit),
    app: m.app, version: m.version, commit: m.commit, path: m.path, bytes: m.bytes, erts: m.erts,
  });
}

// ---- real releases from the build engine ----------------------------------------------------

const LABEL = 'dev.phoenix-deploy.bench-run';
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'bench@example.test', GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'bench@example.test' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8' }).trim();

/** The example app as a working copy of a local bare central repository, built by the build engine. */
export class BenchProject {
  readonly root = mkdtempSync(path.join(os.tmpdir(), 'pd-bench-'));
  readonly dev = path.join(this.root, 'dev');
  readonly cache = path.join(this.root, 'cache');
  private readonly runLabel = `bench-${process.pid}-${Date.now()}`;

  constructor() {
    const central = path.join(this.root, 'central.git');
    git(this.root, 'init', '-q', '--bare', '-b', 'main', central);
    cpSync(path.join(REPO, 'examples', APP), this.dev, { recursive: true, filter: (src) => !/[\\/](_build|deps)$/.test(src) });
    git(this.dev, 'init', '-q', '-b', 'main');
    git(this.dev, 'remote', 'add', 'origin', central);
    git(this.dev, 'add', '-A');
    git(this.dev, 'commit', '-q', '-m', 'Initial');
    git(this.dev, 'push', '-q', 'origin', 'main');
  }

  /** Rewrites a file (relative to the project), commits and pushes. */
  change(file: string, edit: (text: string) => string, message: string): void {
    const full = path.join(this.dev, file);
    writeFileSync(full, edit(readFileSync(full, 'utf8')));
    git(this.dev, 'commit', '-q', '-am', message);
    git(this.dev, 'push', '-q', 'origin', 'main');
  }

  greeting(text: string): void {
    this.change('lib/hello_phoenix/greeting.ex', (t) => t.replace(/def message, do: "[^"]*"/, `def message, do: ${JSON.stringify(text)}`), `Greeting ${text}`);
  }

  version(v: string): void {
    this.change('mix.exs', (t) => t.replace(/version: "[^"]*"/, `version: ${JSON.stringify(v)}`), `Version ${v}`);
  }

  async build(): Promise<Manifest> {
    const config = parseDeployConfig(readFileSync(path.join(this.dev, 'config/deploy.yml'), 'utf8')).config!;
    return runBuild({ projectDir: this.dev, config, cacheRoot: this.cache, labels: { [LABEL]: this.runLabel } }, () => undefined, new AbortController().signal);
  }

  async cleanup(): Promise<void> {
    const docker = new Docker();
    const filters = { filters: { label: [`${LABEL}=${this.runLabel}`] } };
    for (const c of await docker.listContainers({ all: true, ...filters })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    for (const image of await docker.listImages(filters)) await docker.getImage(image.Id).remove({ force: true }).catch(() => undefined);
    // A volume stays "in use" for a moment after its container is removed: try again once.
    for (let attempt = 0; attempt < 2; attempt++) {
      const volumes = (await docker.listVolumes(filters)).Volumes ?? [];
      if (volumes.length === 0) break;
      if (attempt > 0) await new Promise((r) => setTimeout(r, 1000));
      for (const v of volumes) await docker.getVolume(v.Name).remove().catch(() => undefined);
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Runs main, prints the error, sets the exit code; always runs cleanup. */
export function runBench(main: () => Promise<void>): void {
  main().catch((e) => {
    console.error(e instanceof Error ? e.stack ?? e.message : e);
    process.exitCode = 1;
  });
}
