/** Inputs, per-run state and results of deploys and rollbacks. */
import type { StructuredError } from '../errors';
import type { SlotName } from '../host/spec';
import type { EnvironmentConfig } from '../config/types';
import type { SshConnection } from '../ssh/connection';
import type { RsyncTransport } from '../ssh/upload';
import type { ResolvedTarget } from '../ssh/target';
import type { LockHolder } from '../remote/lock';
import type { DeployRecord } from '../remote/log';
import type { RemotePaths } from '../remote/paths';
import type { InspectedSlots } from '../remote/inspect';
import type { PlanOutcome } from '../plan/types';
import type { DeployIdentity, FleetDeps, RemoteOptions } from '../fleet/types';

/** What the deploy needs of a built release; the build engine's Manifest satisfies it. */
export interface ReleaseToDeploy {
  /** e.g. `20261126T112400Z-0.1.0-abc1234`. */
  id: string;
  app: string;
  version: string;
  commit: string;
  /** Absolute path of the local release directory (`_build/prod/rel/<app>`). */
  path: string;
  subject?: string;
  erts?: string;
  bytes?: number;
}

export interface DeployOptions extends RemoteOptions {
  release: ReleaseToDeploy;
  /** Paths under shared/ linked into each release (default none). */
  sharedFiles?: string[];
  /** Longest pause between health polls (default 1000 ms); the first polls come every 100 ms (see healthPause). */
  healthIntervalMs?: number;
}

export interface RollbackOptions extends RemoteOptions {
  /** Release id to return to; default: the release before the one `current` points at. */
  to?: string;
  healthIntervalMs?: number;
}

export interface HealthReport {
  ok: boolean;
  attempts: number;
  status?: number;
  body?: string;
  error?: string;
}

/** How far a host got in this run, step by step (a rollback does not move it back: see `undo`). */
export type HostPhase = 'planned' | 'connected' | 'locked' | 'uploaded' | 'prepared' | 'pointed' | 'started' | 'checked' | 'routed' | 'switched' | 'restarted';

/** Something a run did on a host that must be put back, named by how it is undone. */
export type UndoAction =
  /** Release this run's deploy lock (on every exit path, success too). */
  | { kind: 'unlock' }
  /** Remove the release this run prepared, unless `current` points at it. */
  | { kind: 'remove-release'; id: string }
  /** Put a blue/green slot's link back where it pointed (undefined: no link). */
  | { kind: 'relink-slot'; slot: SlotName; was?: string }
  /** Stop the blue/green slot this run started. */
  | { kind: 'stop-slot'; slot: SlotName }
  /** nginx back to the old slot (still running), and the new slot disabled at boot. */
  | { kind: 'route-back'; oldSlot: SlotName; newSlot: SlotName }
  /**
   * `current` back on `to` (undefined: nothing to go back to). `uncertain`: the switch's answer was
   * lost with the connection, so `current` is read back first; `restart`: then restart and health-check.
   */
  | { kind: 'current-back'; to?: string; uncertain: boolean; restart: boolean };

/** pending: still to undo; undone; moot: it turned out nothing had changed; kept: nothing to go back to, the change stays. */
export type UndoStatus = 'pending' | 'undone' | 'moot' | 'kept';

export interface UndoEntry {
  action: UndoAction;
  status: UndoStatus;
}

export interface HostState {
  target: ResolvedTarget;
  conn?: SshConnection;
  /** The release to switch to (deploy: the new one; rollback: chosen per host). */
  releaseId?: string;
  /** The release `current` pointed at when we took the lock. */
  previous?: string;
  /** Release ids on the host when we took the lock. */
  releases: string[];
  /** deploys.log's last records (oldest first) when we took the lock: the live history. */
  log: DeployRecord[];
  phase: HostPhase;
  /** What this run changed here, oldest first; a failure undoes it newest first (undo.ts, putBack.ts). */
  undo: UndoEntry[];
  /** Why putting this host back stopped (each host is tried once per run). */
  undoFailed?: string;
  bytesSent?: number;
  health?: HealthReport;
  /** When the tool's unit (re)started on this host, by the injectable clock: its settle check counts from here. */
  unitStartedAt?: number;
  /** Why the tool's unit did not stay active after its start (unset: it did, or was not checked). */
  unitFailure?: string;
  cleaned?: string[];
  /** A lost connection was reopened for rollback or cleanup. */
  reconnected?: boolean;
  /** Why the host could not be reached again after its connection was lost. */
  unreachable?: string;
  /** What `current` pointed at when the run ended, read back from the host (null: no `current`). */
  observedCurrent?: string | null;
  /** This host's own failure, for the per-host report. */
  error?: StructuredError;
  /** Its rollout batch (1-based); absent without `rollout`. */
  batch?: number;
  /** Blue/green: the slots as the lock step found them. */
  slots?: InspectedSlots;
  /** Blue/green: this run's switch between the slots. */
  slotSwitch?: SlotSwitch;
  /** When this run last started or restarted the app here (local clock, ms): its journal is read from then on a failure. */
  startedAt?: number;
  /** What the app said on this host when it failed to start, get healthy or migrate (most telling line first). */
  appSays?: string[];
}

export interface DeployState {
  /** `restart`: the live release restarted in place (e.g. to apply shared/env); never recorded in deploys.log. */
  kind: 'deploy' | 'rollback' | 'restart';
  environment: EnvironmentConfig;
  /** The release name; names the app's units on managed hosts. */
  app?: string;
  paths: RemotePaths;
  identity: DeployIdentity;
  /** What this run's lock holds on every host; unlocking removes only a lock that still holds it. */
  lockHolder: LockHolder;
  deps: FleetDeps;
  /** Primary first. */
  hosts: HostState[];
  release?: ReleaseToDeploy;
  rollbackTo?: string;
  sharedFiles: string[];
  rsyncTransport: RsyncTransport;
  healthIntervalMs: number;
  startedAt: Date;
  durations: Record<string, number>;
  recorded: boolean;
  /** False when no health check is configured: a restart that exits 0 then counts as success. */
  healthChecked: boolean;
  /** Problems while cleaning up (e.g. a lock that could not be removed). */
  warnings: string[];
  /** Where local hooks run. */
  projectDir?: string;
  /** How the steps ended, once they have (for after_failure hooks). */
  outcome?: PlanOutcome;
  /** A rolling deploy: how many batches, how many have begun, and the first one that failed (1-based). */
  rollout?: { batches: number; started: number; failedBatch?: number };
}

export interface HostResult {
  host: string;
  primary: boolean;
  previous?: string;
  /** What `current` points at when the run ended: read back from the host when `confirmed`. */
  current?: string;
  /** True when `current` was read from the host at the end; false: last known state only. */
  confirmed: boolean;
  /** The host could not be reached at the end (its lock may still be held). */
  unreachable?: string;
  /** The run's lock on this host could not be released. */
  lockLeft?: boolean;
  /** What went wrong on this host, if anything: the step, the message, and the file and line when it points at one. */
  error?: StructuredError;
  bytesSent?: number;
  health?: HealthReport;
  cleaned?: string[];
  /** Blue/green: the slot nginx routes to when the run ended, and its port. */
  liveSlot?: { name: string; port: number };
  /** Rollout: the host's batch (1-based). */
  batch?: number;
  /** Rollout: false when its batch never started (nothing was switched or restarted there). */
  reached?: boolean;
  /** The host had switched and went back to `previous`. */
  rolledBack?: boolean;
}

/** Suitable for --json. */
export interface DeployResult {
  kind: DeployState['kind'];
  ok: boolean;
  cancelled: boolean;
  error?: string;
  failedStep?: string;
  /** The release deployed, or the rollback target when every host went to the same one. */
  release?: string;
  rolledBack: boolean;
  /** False when no health check is configured: the hosts were restarted, nobody checked they serve. */
  healthChecked: boolean;
  durations: Record<string, number>;
  hosts: HostResult[];
  warnings: string[];
  /** Blue/green: whether nginx sent any request to the new release (false: nobody saw it). */
  newReleaseSeen?: boolean;
  /** A rolling deploy: how many batches there were, and the first that failed (1-based). */
  rollout?: { batches: number; failedBatch?: number };
}

/** Blue/green: which slot a host moves from and to (slotPhases.ts); what was done is in the host's `undo`. */
export interface SlotSwitch {
  /** The slot nginx routed to when the run began. */
  from: SlotName;
  /** The idle slot, taking the release. */
  to: SlotName;
  /** nginx workers from before the reload: the drain waits for them. */
  workers: string[];
}
