/** Inputs, per-run state and results of `setup`. */
import type { EnvironmentConfig } from '../config/types';
import type { StructuredError } from '../errors';
import type { FleetDeps, RemoteOptions } from '../fleet/types';
import type { ManagedHost } from '../host/spec';
import type { ReleaseRuntime } from '../runtime/spec';
import type { SshConnection } from '../ssh/connection';
import type { ResolvedTarget } from '../ssh/target';
import type { FileChange } from './changes';
import type { CertificateFacts, ObtainReason } from './certificate';
import type { SetupFacts } from './remote';

/** What setup is about to do, shown before it asks. */
export interface SetupPreview {
  /** Per host: the files it creates or updates (with diffs), directories, shared/env. */
  text: string;
  hosts: Array<{ host: string; create: string[]; update: string[]; groups: string[]; install: string[]; locales: string[] }>;
}

export interface SetupOptions extends RemoteOptions {
  app: string;
  /** SSH user that runs setup (needs `sudo -n`); default: the environment's user. */
  admin?: string;
  /** Overwrite files someone else edited since the tool wrote them. */
  force?: boolean;
  /** How the release runs (bin/server, PHX_SERVER, the final stage's packages, locales and ENV); read from projectDir when absent. */
  runtime?: ReleaseRuntime;
  /** Asked once every host has been read, only when something would change. */
  confirm(preview: SetupPreview): Promise<boolean>;
}

export interface SetupHostState {
  target: ResolvedTarget;
  conn?: SshConnection;
  facts?: SetupFacts;
  files: FileChange[];
  /** Directories to create (or hand to the deploy user). */
  dirs: string[];
  createEnv: boolean;
  /** The final stage's packages and locales this host lacks. */
  missing: { packages: string[]; locales: string[] };
  /** The deploy user is not yet in the systemd-journal group. */
  joinJournal: boolean;
  /** `tls: auto`: what the host has of the certificate. */
  cert?: CertificateFacts;
  /** `tls: auto`: why certbot runs here (single-host: each host; multi-host: the primary). */
  obtain?: ObtainReason;
  /** `tls: auto`: the host serves no certificate yet, so its site starts HTTP-only. */
  httpOnly?: boolean;
  /** `tls: auto`, several hosts: this host's copy differs from the primary's certificate. */
  distribute?: boolean;
  /** `tls: auto`, one host: certbot.timer is not enabled yet. */
  enableTimer?: boolean;
}

export interface SetupState {
  environment: EnvironmentConfig;
  host: ManagedHost;
  hosts: SetupHostState[];
  deps: FleetDeps;
  force: boolean;
  confirm: SetupOptions['confirm'];
  /** Something would change on some host. */
  pending: boolean;
  /** Something was changed. */
  changed: boolean;
}

export interface SetupHostResult {
  host: string;
  created: string[];
  updated: string[];
  /** Groups the deploy user was added to (systemd-journal, to read the app's logs). */
  groups: string[];
  /** Debian packages installed and locales generated (the Dockerfile's final stage asked for them). */
  installed: string[];
  localesGenerated: string[];
  unchanged: boolean;
  /** What failed on this host: the step, the message, and the file and line when it points at one. */
  error?: StructuredError;
}

export interface SetupResult {
  ok: boolean;
  cancelled: boolean;
  error?: string;
  failedStep?: string;
  /** False when every host was already set up as configured. */
  changed: boolean;
  hosts: SetupHostResult[];
}
