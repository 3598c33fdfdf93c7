/** Inputs, per-run state and results of `env set | unset | push`. */
import type { DeployResult, DeployState } from '../deploy/liveRestart';
import type { RemoteOptions } from '../fleet/types';
import type { StructuredError } from '../errors';
import type { EnvChange, EnvEdit } from './envFile';
import type { EnvOnHost } from './remote';

/** What will change, keys only: shown before anything is written. */
export interface EnvPreview {
  text: string;
  hosts: Array<{ host: string; changes: EnvChange[] }>;
}

export interface EnvOptions extends RemoteOptions {
  edit: EnvEdit;
  /** Restart the live release afterwards (blue/green: without dropping a request). */
  restart?: boolean;
  /** Asked once every host has been read, only when something would change (or a restart was asked for). */
  confirm(preview: EnvPreview): Promise<boolean>;
  healthIntervalMs?: number;
}

export interface EnvHostState {
  read?: EnvOnHost;
  /** The file as it will be written; undefined when nothing changes on this host. */
  next?: string;
  changes: EnvChange[];
  written: boolean;
}

export interface EnvState {
  /**
   * The deploy engine's state for this run (its kind is `restart`): the hosts and their
   * connections, the paths, the lock. Its steps (connect, lock, restart) run on it; env's own
   * steps read the hosts and paths from it.
   */
  restartRun: DeployState;
  edit: EnvEdit;
  restart: boolean;
  confirm: EnvOptions['confirm'];
  files: Map<string, EnvHostState>;
  /** Something would be written on some host. */
  pending: boolean;
}

export interface EnvHostResult {
  host: string;
  changes: EnvChange[];
  written: boolean;
  /** What failed on this host: the step, the message, and the file and line when it points at one. */
  error?: StructuredError;
}

/** Fit for --json: keys and actions, never a value. */
export interface EnvResult {
  ok: boolean;
  cancelled: boolean;
  error?: string;
  failedStep?: string;
  changed: boolean;
  restarted: boolean;
  hosts: EnvHostResult[];
  /** With --restart: where each host stands, as a deploy reports it. */
  restart?: DeployResult;
}
