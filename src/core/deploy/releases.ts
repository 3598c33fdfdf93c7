/** `releases`: one connection and one round trip per host, unreachable hosts reported, not fatal. */
import { parseReleaseId } from '../release/id';
import { inspectCommand, parseInspection, type HostInspection } from '../remote/inspect';
import { chooseRollback, liveHistory, type LiveEntry } from '../remote/history';
import { staleLockReason, type LockHolder } from '../remote/lock';
import type { DeployRecord } from '../remote/log';
import { remotePaths, type RemotePaths } from '../remote/paths';
import type { ResolvedTarget } from '../ssh/target';
import { ANY_EXIT, type RemoteQuery } from '../remoteQuery';
import { runQuery } from '../ssh/runQuery';
import { answerEachHost } from '../fleet/eachHost';
import { pidRunning } from '../fleet/locks';
import { managedHost } from '../host/spec';
import { slotsToInspect } from './service';
import { envKeysQuery, parseEnvKeys, type EnvKeysOnHost } from '../settings/remote';
import type { RemoteOptions } from '../fleet/types';

export interface ReleaseInfo {
  id: string;
  current: boolean;
  /** False for directories whose names are not release ids. */
  valid: boolean;
  version?: string;
  erts?: string;
  commit?: string;
  deployedBy?: string;
  deployedAt?: string;
}

export interface HostReleases {
  host: string;
  primary: boolean;
  ok: boolean;
  error?: string;
  os?: string;
  glibc?: string;
  current?: string;
  /** `current` points at something that does not exist. */
  dangling?: boolean;
  /** Where `current` points when that is not a directory under releases/ (shown, never guessed). */
  currentTarget?: string;
  releases: ReleaseInfo[];
  lock?: Partial<LockHolder>;
  /** The lock's exact text, which `unlock` must be shown to remove it. */
  lockText?: string;
  locked: boolean;
  /** Why the lock is stale, when it provably is (taken here by a process that is gone). */
  lockStale?: string;
  recent: DeployRecord[];
  /** What was live when and who put it there, newest first (from deploys.log). */
  history: LiveEntry[];
  /** What a plain `rollback` would return to, and whether deploys.log or only id order says so. */
  rollbackTarget?: string;
  rollbackBy?: 'history' | 'id-order';
  /** Blue/green hosts: each slot, its port, the release it holds, whether it runs, and which one nginx routes to. */
  slots?: SlotInfo[];
  /** A host the tool manages (`service: systemd`): false until `setup` has written its unit. */
  setUp?: boolean;
  /** shared/env's keys (never a value), when asked for: what the runtime-config check compares. */
  envKeys?: EnvKeysOnHost;
  /** What could not be read: torn deploys.log lines, directories that are not releases, a cut-off answer. */
  unreadable?: string[];
}

export interface SlotInfo {
  name: string;
  port?: number;
  release?: string;
  /** `systemctl is-active`: active, inactive, failed, activating… */
  state: string;
  live: boolean;
}

/** What `releases` reads on a host: its releases, `current`, the lock, the log and the slots. */
function inspectQuery(paths: RemotePaths, slots: ReturnType<typeof slotsToInspect>, unitFile: string | undefined): RemoteQuery<HostInspection> {
  return {
    what: 'inspecting', command: inspectCommand(paths, slots, unitFile), okCodes: ANY_EXIT,
    parse(result) {
      if (result.code !== 0) throw new Error(`inspecting failed (exit ${result.code}): ${result.stderr.trim()}`);
      return parseInspection(result.stdout);
    },
  };
}

/** The slots as the inspection read them, with their configured ports. */
export function slotInfo(inspection: HostInspection, ports: ReadonlyMap<string, number> = new Map()): SlotInfo[] | undefined {
  const slots = inspection.slots;
  if (!slots) return undefined;
  return Object.keys(slots.states).map((name) => ({
    name, port: ports.get(name), release: slots.releases[name], state: slots.states[name], live: slots.live === name,
  }));
}

export function toHostReleases(t: ResolvedTarget, inspection: HostInspection, localHost = '', slotPorts?: ReadonlyMap<string, number>): HostReleases {
  const current = inspection.current?.release;
  const successes = inspection.log.filter((r) => r.outcome === 'success');
  const releases = inspection.releases.map((r): ReleaseInfo => {
    const deployed = [...successes].reverse().find((rec) => rec.id === r.name && rec.kind === 'deploy');
    return {
      id: r.name,
      current: r.name === current,
      valid: r.valid,
      version: r.version ?? parseReleaseId(r.name)?.version,
      erts: r.erts,
      commit: deployed?.commit || parseReleaseId(r.name)?.commit,
      deployedBy: deployed?.who,
      deployedAt: deployed?.when,
    };
  });
  const unreadable: string[] = [];
  const odd = inspection.releases.filter((r) => !r.valid).map((r) => r.name);
  if (odd.length > 0) unreadable.push(`releases/ holds ${odd.length} director${odd.length === 1 ? 'y' : 'ies'} that are not release ids (left untouched): ${odd.slice(0, 5).join(', ')}${odd.length > 5 ? ', …' : ''}`);
  if (inspection.unreadableLogLines > 0) unreadable.push(`deploys.log has ${inspection.unreadableLogLines} line(s) that are not deploy records (skipped)`);
  if (inspection.lock && !inspection.lock.holder) unreadable.push('deploy.lock names no readable holder');
  if (inspection.current && current === undefined) unreadable.push(`current points at ${inspection.current.target}, which is not a directory under releases/`);
  if (!inspection.complete) unreadable.push('the host\'s answer was cut short; what is shown may be incomplete');
  const holder = inspection.lock?.holder;
  return {
    host: t.key,
    primary: t.primary,
    ok: true,
    os: inspection.os.prettyName ?? inspection.os.id,
    glibc: inspection.libc?.kind === 'glibc' ? inspection.libc.version : undefined,
    current,
    dangling: inspection.current?.dangling,
    currentTarget: inspection.current && current === undefined ? inspection.current.target : undefined,
    releases,
    lock: holder,
    lockText: inspection.lock?.raw,
    locked: inspection.lock !== undefined,
    lockStale: inspection.lock ? staleLockReason(holder, localHost, pidRunning) : undefined,
    recent: inspection.log.slice(-10),
    history: liveHistory(inspection.log).slice(0, 20),
    ...rollbackOf(inspection, current),
    slots: slotInfo(inspection, slotPorts),
    setUp: inspection.unitPresent,
    unreadable: unreadable.length > 0 ? unreadable : undefined,
  };
}

function rollbackOf(inspection: HostInspection, current: string | undefined): Pick<HostReleases, 'rollbackTarget' | 'rollbackBy'> {
  const valid = inspection.releases.filter((r) => r.valid).map((r) => r.name);
  const choice = chooseRollback(inspection.log, valid, current);
  return choice.target && valid.includes(choice.target) ? { rollbackTarget: choice.target, rollbackBy: choice.source } : {};
}

/** What else to read on each host, over the same connection: shared/env's keys (and the PHX_HOST verdict against these names). */
export interface ListExtras {
  envKeys?: { serverNames: string };
}

export function listReleases(options: RemoteOptions, signal?: AbortSignal, extras: ListExtras = {}): Promise<HostReleases[]> {
  const paths = remotePaths(options.environment.deployTo);
  return answerEachHost(options, 'releases', async (on): Promise<HostReleases> => {
    const slots = slotsToInspect(options.environment, options.app);
    const unitFile = options.environment.service === 'systemd' && options.app ? managedHost(options.app, options.environment).unitFile : undefined;
    const inspection = await runQuery(on, inspectQuery(paths, slots, unitFile), { signal });
    const ports = slots ? new Map(managedHost(slots.app, options.environment).slots.map((s) => [s.name as string, s.port])) : undefined;
    const host = toHostReleases(on.target, inspection, options.identity.localHost, ports);
    if (!extras.envKeys) return host;
    // Unreadable keys leave envKeys unset: the settings advice stays silent rather than guess.
    const keysQuery = envKeysQuery(paths.sharedEnv, extras.envKeys.serverNames);
    const envKeys = await runQuery(on, { ...keysQuery, parse: (r) => (r.code === 0 ? parseEnvKeys(r.stdout) : undefined) }, { signal });
    return envKeys ? { ...host, envKeys } : host;
  }, (t, e) => ({ host: t.key, primary: t.primary, ok: false, error: e.message, releases: [], locked: false, recent: [], history: [] }), signal);
}
