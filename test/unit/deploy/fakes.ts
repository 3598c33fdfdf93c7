/** Fake hosts for plan tests: record every rendered command, answer from a small script. */
import { createHash } from 'node:crypto';
import type { EnvironmentConfig } from '../../../src/core/config/types';
import type { DeployIdentity, FleetDeps } from '../../../src/core/fleet/types';
import type { DeployOptions } from '../../../src/core/deploy/types';
import type { DeployRecord } from '../../../src/core/remote/log';
import { renderCommand, type Command } from '../../../src/core/shell';
import { ConnectionLostError, type SshConnection } from '../../../src/core/ssh/connection';
import type { ExecResult } from '../../../src/core/ssh/exec';
import type { ResolvedTarget } from '../../../src/core/ssh/target';
import { directTarget } from '../../support/targets';

export const ID0 = '20260101T000000Z-0.1.0-aaaaaaa';
export const ID1 = '20260102T000000Z-0.1.0-bbbbbbb';
export const NEW = '20260103T000000Z-0.2.0-ccccccc';

export interface FakeHost {
  key: string;
  current?: string;
  releases: string[];
  lockHeld?: boolean;
  migrateExit?: number;
  lddOutput?: string;
  /** The release the app runs: what `current` pointed at when it last restarted (default: `current`). */
  running?: string;
  /** Blue/green: the slot nginx was last routed to. */
  routedTo?: 'blue' | 'green';
  /** HTTP status the health URL answers, by the release the app runs (default 200). */
  health?: Record<string, number>;
  /** HTTP status by URL, before `health` (e.g. a blue/green slot's port). */
  statusOf?: (url: string) => number | undefined;
  /** What `systemctl show` says of a unit (default: active, never restarted). */
  unitState?: (unit: string) => string | undefined;
  /** deploys.log: records the fake host was given, plus every one a run appends. */
  log: DeployRecord[];
  commands: string[];
  closed: boolean;
  /** shared/env's content (undefined: no file), and what each write sent on stdin. */
  env?: string;
  envWrites?: string[];
  /** shared/env's keys cannot be read (the settings check's read exits 1). */
  envUnreadable?: boolean;
  /** The connection dies right after running the first command this matches (it took effect; its answer is lost). */
  dropAfter?: (command: string) => boolean;
}

export function fakeHost(key: string, init: Partial<FakeHost> = {}): FakeHost {
  const h: FakeHost = { key, current: ID1, releases: [ID0, ID1], log: [], commands: [], closed: false, ...init };
  h.running ??= h.current;
  return h;
}

/** The commands that take, read and remove the deploy lock, as the fakes and tests recognise them. */
export const isLockTake = (text: string) => text.includes('ln -sT --') && text.includes('/opt/app/deploy.lock');
export const isUnlock = (text: string) => text.includes('@@phoenix-deploy:unlocked');
export const isLockRead = (text: string) => text.includes('read_lock()') && !isUnlock(text);
export const OTHER_HOLDER = '{"who":"other@x","host":"laptop","pid":9,"when":"t","release":"r"}';

const sha = (t: string) => createHash('sha256').update(t, 'utf8').digest('hex');

/** shared/env: the keys read (src/core/settings/remote.ts), the read and the compare-then-write scripts (src/core/env/remote.ts). */
function answerEnv(h: FakeHost, text: string, stdin?: string | Buffer): ExecResult | undefined {
  if (text.includes("echo '\\''@@phoenix-deploy:keys'\\''")) return answerKeys(h, text);
  if (text.includes("'@@phoenix-deploy:env %s %s")) {
    return { code: 0, stderr: '', stdout: h.env === undefined ? '@@phoenix-deploy:env absent\n' : `@@phoenix-deploy:env ${sha(h.env)} 600\n${Buffer.from(h.env).toString('base64')}\n` };
  }
  if (!text.includes('changed since it was read')) return undefined;
  const want = text.split(' ').at(-1);
  if (want !== (h.env === undefined ? 'absent' : sha(h.env))) return { code: 3, stdout: '', stderr: 'changed since it was read\n' };
  h.env = String(stdin ?? '');
  (h.envWrites ??= []).push(h.env);
  return { code: 0, stdout: '', stderr: '' };
}

/** The keys shared/env sets (no PHX_HOST verdict: a check that asks for one is refused, loudly). */
function answerKeys(h: FakeHost, text: string): ExecResult {
  if (!text.endsWith(" ''")) return { code: 127, stdout: '', stderr: `fake host ${h.key} does not compare PHX_HOST with proxy.server_name: ${text}\n` };
  if (h.envUnreadable) return { code: 1, stdout: '', stderr: 'cannot read /opt/app/shared/env\n' };
  if (h.env === undefined) return { code: 0, stdout: '@@phoenix-deploy:keys absent\n', stderr: '' };
  const keys = h.env.split('\n').flatMap((line) => /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1] ?? []);
  return { code: 0, stdout: ['@@phoenix-deploy:keys', ...keys, ''].join('\n'), stderr: '' };
}

function answer(h: FakeHost, text: string, stdin?: string | Buffer): ExecResult {
  // A command that reads `current` back (e.g. before the unlock) says where it points.
  const current = text.includes('@@phoenix-deploy:current=') ? `@@phoenix-deploy:current=${h.current ? `releases/${h.current}` : ''}\n` : '';
  const ok = (stdout = ''): ExecResult => ({ code: 0, stdout: `${current}${stdout}`, stderr: '' });
  const env = answerEnv(h, text, stdin);
  if (env) return env;
  if (isLockTake(text)) {
    if (h.lockHeld) return { code: 1, stdout: '', stderr: 'ln: failed to create symbolic link: File exists' };
    if (!text.includes('@@phoenix-deploy:end')) return ok(); // the lock alone; with it, the host is inspected in the same round trip
  }
  if (isLockRead(text)) return h.lockHeld ? ok(`@@phoenix-deploy:lock=${OTHER_HOLDER}\n`) : { code: 1, stdout: '', stderr: '' };
  if (isUnlock(text)) return ok('@@phoenix-deploy:unlocked\n');
  if (text.includes('@@phoenix-deploy:end')) {
    const M = '@@phoenix-deploy:';
    const cur = h.current ? [`releases/${h.current}`, `${M}current-ok`] : [];
    return ok([`${M}current`, ...cur, `${M}releases`, ...h.releases.map((r) => `${r}\t13.1.5 0.1.0`), `${M}lock`, `${M}log`,
      ...h.log.map((r) => JSON.stringify(r)), `${M}end`].join('\n'));
  }
  const shown = /systemctl show --property=\S+ (\S+)$/.exec(text);
  if (shown) return ok(h.unitState?.(shown[1]) ?? 'ActiveState=active\nSubState=running\nResult=success\nNRestarts=0\nExecMainStatus=0\n');
  const appended = /^printf '%s\\n' '(.*)' >> \/opt\/app\/deploys\.log$/.exec(text);
  if (appended) h.log.push(JSON.parse(appended[1].replace(/'\\''/g, "'")) as DeployRecord);
  if (text.includes('bin/migrate')) return { code: h.migrateExit ?? 0, stdout: 'migrating\n', stderr: h.migrateExit ? 'boom\n' : '' };
  if (text.includes('-exec ldd')) return { code: 1, stdout: h.lddOutput ?? '', stderr: '' };
  const prepared = /mv -T -- \/opt\/app\/staging\/\S+\/release \/opt\/app\/releases\/(\S+) /.exec(text);
  if (prepared && !h.releases.includes(prepared[1])) h.releases.push(prepared[1]);
  for (const removed of text.matchAll(/rm -rf -- ((?:\/opt\/app\/releases\/\S+ ?)+)/g)) {
    const ids = removed[1].trim().split(' ').map((p) => p.slice('/opt/app/releases/'.length));
    h.releases = h.releases.filter((r) => !ids.includes(r));
  }
  const sw = /ln -sfn -- releases\/(\S+) /.exec(text);
  if (sw) h.current = sw[1];
  if (appended || prepared || sw || text.includes('rm -rf --') || current) return ok();
  return answerApp(h, text) ?? { code: 127, stdout: '', stderr: `fake host ${h.key} does not know this command (teach test/unit/deploy/fakes.ts): ${text}\n` };
}

/** The app's side: restarts (the app then runs what `current` points at), hooks, and blue/green's slots and nginx. */
function answerApp(h: FakeHost, text: string): ExecResult | undefined {
  const ok = (stdout = ''): ExecResult => ({ code: 0, stdout, stderr: '' });
  if (/ sv restart app$|[ /]systemctl restart app\.service$/.test(text)) {
    h.running = h.current;
    return ok();
  }
  if (text.includes('PHOENIX_DEPLOY_RELEASE=')) return ok(); // a remote hook (hooks.test.ts answers its own)
  if (/ln -sfn -- \.\.\/releases\/\S+ \/opt\/app\/slots\/(blue|green)\.tmp|^rm -f -- \/opt\/app\/slots\/(blue|green)$/.test(text)) return ok();
  if (/^sudo -n \/usr\/bin\/systemctl (restart|enable|disable|stop) app@(blue|green)\.service$/.test(text)) return ok();
  const route = / sh \S+\/upstream-(blue|green)\.conf \S+\/upstream-(?:blue|green)\.conf \S+\/upstream\.conf$/.exec(text);
  if (route) {
    h.routedTo = route[1] as 'blue' | 'green';
    return ok('@@phoenix-deploy:workers 101 102\n');
  }
  if (text.includes('@@phoenix-deploy:drained')) return ok('@@phoenix-deploy:drained\n');
  if (text.includes('@@phoenix-deploy:static ')) return ok('@@phoenix-deploy:static 0\n'); // static links of kept releases
  return undefined;
}

export function fakeConnection(h: FakeHost, target: ResolvedTarget): SshConnection {
  let alive = true;
  return {
    target: target.target,
    name: h.key,
    fingerprint: 'SHA256:fake',
    isAlive: () => alive,
    async exec(command: Command, opts = {}) {
      if (opts.signal?.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      if (!alive) throw new ConnectionLostError(h.key, undefined, 'closed');
      if (!Array.isArray(command)) throw new Error(`fake host ${h.key}: exec takes a Command (argv words), not shell text: ${String(command)}`);
      const text = renderCommand(command);
      h.commands.push(text);
      const r = answer(h, text, opts.stdin);
      if (h.dropAfter?.(text)) {
        h.dropAfter = undefined;
        alive = false;
        throw new ConnectionLostError(h.key, undefined, 'connection reset');
      }
      if (r.stdout) opts.onStdout?.(r.stdout);
      return r;
    },
    async channel() {
      throw new Error('no channels on fake hosts');
    },
    async httpGet(url: string) {
      // The running release answers for itself: a switch back without a restart still serves the new one.
      return { status: h.statusOf?.(url) ?? (h.running ? h.health?.[h.running] : undefined) ?? 200, body: `ok ${h.running}` };
    },
    async close() {
      h.closed = true;
    },
  };
}

export function environment(hosts: FakeHost[], overrides: Partial<EnvironmentConfig> = {}): EnvironmentConfig {
  return {
    name: 'production', user: 'deploy', deployTo: '/opt/app',
    hosts: hosts.map((h, i) => ({ host: h.key, port: 22, user: 'deploy', primary: i === 0 })),
    migrate: ['bin/migrate'], restart: ['sudo', 'sv', 'restart', 'app'],
    health: { url: 'http://127.0.0.1:4000/health', expect: 200, timeout: 1 }, keepReleases: 2, ssh: {}, ...overrides,
  };
}

export const identity: DeployIdentity = { who: 'me@example.com', developer: 'me_example.com', localHost: 'laptop', pid: 1 };

export function options(hosts: FakeHost[], overrides: Partial<EnvironmentConfig> = {}, deps: Partial<FleetDeps> = {}): DeployOptions {
  const env = environment(hosts, overrides);
  const targets: ResolvedTarget[] = hosts.map((h, i) => directTarget(`${h.key}:22`, h.key, 22, { primary: i === 0, identityFiles: ['/id'] }));
  let clock = Date.parse('2026-01-03T00:00:00Z');
  return {
    environment: env, targets, identity, healthIntervalMs: 250,
    release: { id: NEW, app: 'app', version: '0.2.0', commit: 'ccccccc', path: '/local/rel' },
    deps: {
      connect: async (t) => fakeConnection(hosts.find((h) => h.key === t.target.host)!, t),
      upload: async () => ({ bytesSent: 1000, bytesReceived: 10, totalFileSize: 100000, filesTransferred: 2 }),
      now: () => new Date(clock),
      sleep: async (ms) => {
        clock += ms;
      },
      ...deps,
    },
  };
}
