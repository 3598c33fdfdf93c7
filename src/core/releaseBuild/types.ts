import type { DeployConfig } from '../config/types';
import type { Docker } from '../docker/client';
import type { BuilderChoice } from '../docker/builder';
import type { BuildTarget } from '../docker/buildTarget';
import type { Container } from '../docker/container';
import type { ResolvedRepo } from '../git/remote';
import type { StagePlan } from './stagePlan';
import type { ReleaseToolChoice } from './tool';

/** What `manifest.json` beside each stored release says. Deploys read it. */
export interface Manifest {
  id: string;
  app: string;
  version: string;
  commit: string;
  subject: string;
  /** Absolute path of the release directory (holds bin/, erts-*, lib/, releases/). */
  path: string;
  erts: string;
  otp: string;
  elixir: string;
  /** The image the build environment is based on (after ARG substitution), e.g. hexpm/elixir:1.14.0-... */
  builderImage: string;
  /** Id of the built environment stage. */
  builderImageId: string;
  /** ISO 8601. */
  builtAt: string;
  files: number;
  bytes: number;
  repo: string;
  branch: string;
  mixEnv: string;
  tool: 'mix' | 'distillery';
  /** Same key = same commit, app, MIX_ENV and Dockerfile: the release can be reused. */
  reuseKey: string;
}

export interface BuildOptions {
  /** The developer's project directory (holds mix.exs and config/deploy.yml). */
  projectDir: string;
  config: DeployConfig;
  /** Default: defaultCacheRoot(projectDir), i.e. ~/.cache/phoenix-deploy/<project-key>. */
  cacheRoot?: string;
  /** Rebuild even if a release of this commit is stored. */
  force?: boolean;
  /** Extra labels on the images, containers and volumes the build creates. */
  labels?: Record<string, string>;
  /** How to reach Docker; default connectDocker(). */
  connect?: () => Promise<Docker>;
  /** Build the whole Dockerfile stage even where its tail could be replayed (to measure or compare both designs). */
  wholeStage?: boolean;
  /** Environment read for DOCKER_BUILDKIT (default process.env). */
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
}

/** Filled in step by step; `finally` cleans up what is set. */
export interface BuildState {
  readonly options: BuildOptions;
  readonly cacheRoot: string;
  readonly projectKey: string;
  readonly checkoutDir: string;
  releaseLock?: () => Promise<void>;
  repo?: ResolvedRepo;
  commit?: string;
  subject?: string;
  /** The project's directory relative to the checkout root: '' or e.g. `apps/shop/`. */
  projectPrefix: string;
  app?: string;
  /** Whether mix.exs declares deps (else `mix deps.get` is skipped). */
  hasDeps?: boolean;
  tool?: ReleaseToolChoice;
  dockerfileText?: string;
  /** The Dockerfile stage that is the build environment. */
  target?: string;
  /** The parsed Dockerfile and its target stage. */
  buildTarget?: BuildTarget;
  /** The build context's files (.dockerignore applied), relative POSIX paths. */
  contextFiles?: string[];
  /** How the stage is built: environment, replay or whole-stage. */
  stagePlan?: StagePlan;
  /** BuildKit, or the legacy builder as a fallback. */
  builder?: BuilderChoice;
  reuseKey?: string;
  /** Set when a stored release is reused: the remaining steps do nothing. */
  reused?: Manifest;
  docker?: Docker;
  builderImage?: string;
  builderImageId?: string;
  container?: Container;
  /** Container directory holding the project (mix runs here). */
  containerProjectDir?: string;
  /** The release directory inside the build container. */
  containerReleaseDir?: string;
  /** Temp directory in the release store; removed unless renamed into place. */
  stagingDir?: string;
  manifest?: Manifest;
}
