import type { SourceRange } from '../findings';
import { parseDeployConfig, type LoadedConfig } from '../config/load';
import { parseDistilleryConfig, type DistilleryConfig } from './distillery';
import { parseDockerfile, rootStage, runsMixRelease, type DockerStage, type ParsedDockerfile } from './dockerfile';
import { parseMixExs, resolveAppName, type MixProject } from './mixExs';
import { dockerfilePathOf, type ProjectFiles } from './project';
import { projectPins, type ProjectPins } from './projectPins';
import type { OsInfo } from './osRelease';

/** What a probe read from inside the build image. */
export interface ImageContents {
  /** The image reference or id that was run. */
  image: string;
  otp?: string;
  elixir?: string;
  os?: OsInfo;
}

export interface CheckOptions {
  /** Check only this deploy.yml environment's `os:`; default: every environment. */
  env?: string;
  /** What a probe read from the build image; it then stands in for the builder's tag. */
  image?: ImageContents;
}

export interface EnvironmentOs {
  name: string;
  os: string;
  range: SourceRange;
}

/** Everything parsed once, shared by the rules. */
export interface ProjectContext {
  dockerfilePath: string;
  deploy?: LoadedConfig;
  /** Erlang and Elixir as `.tool-versions` and the mise files pin them, merged as mise does. */
  pins: ProjectPins;
  dockerfile?: ParsedDockerfile;
  mix?: MixProject;
  distillery?: DistilleryConfig;
  /** Whether each `set vm_args:` file exists (absent: not looked for). */
  distilleryVmArgs?: Readonly<Record<string, boolean>>;
  app?: string;
  /** Which release tool builds: deploy.yml `build.tool`, else Distillery when rel/config.exs exists. */
  tool: 'mix' | 'distillery';
  mixEnv: string;
  environments: EnvironmentOs[];
  builderStage?: DockerStage;
  /** The last stage, when it does not start from the builder's image chain. */
  runnerStage?: DockerStage;
  /** deploy.yml `build.target` that names no stage. */
  missingTarget?: { target: string; range: SourceRange };
}

export function buildContext(files: ProjectFiles, options: CheckOptions = {}): ProjectContext {
  const deploy = files.deployYml === undefined ? undefined : parseDeployConfig(files.deployYml);
  const config = deploy?.config;
  const mix = files.mixExs === undefined ? undefined : parseMixExs(files.mixExs);
  const buildTool = config?.build.tool ?? 'auto';
  const ctx: ProjectContext = {
    dockerfilePath: files.dockerfilePath ?? dockerfilePathOf(deploy),
    deploy,
    pins: projectPins(files),
    dockerfile: files.dockerfile === undefined ? undefined : parseDockerfile(files.dockerfile),
    mix,
    distillery: files.distilleryConfig === undefined ? undefined : parseDistilleryConfig(files.distilleryConfig),
    distilleryVmArgs: files.distilleryVmArgs,
    app: mix ? resolveAppName(config?.app, mix) : config?.app,
    tool: buildTool === 'auto' ? (files.distilleryConfig === undefined ? 'mix' : 'distillery') : buildTool,
    mixEnv: config?.build.mixEnv ?? 'prod',
    environments: environmentsOf(deploy, options.env),
  };
  if (ctx.dockerfile) selectStages(ctx, ctx.dockerfile, deploy);
  return ctx;
}

function environmentsOf(deploy: LoadedConfig | undefined, only: string | undefined): EnvironmentOs[] {
  const config = deploy?.config;
  if (!deploy || !config) return [];
  return Object.values(config.environments)
    .filter((env) => env.os !== undefined && (only === undefined || env.name === only))
    .map((env) => ({ name: env.name, os: env.os!, range: deploy.rangeOf(['environments', env.name, 'os'])! }))
    .filter((env) => env.range !== undefined);
}

/**
 * The builder is `build.target`, else the stage whose RUN builds the release, else the first.
 * The runner is the last stage, unless it grows out of the builder's own image or is `scratch`.
 */
function selectStages(ctx: ProjectContext, dockerfile: ParsedDockerfile, deploy: LoadedConfig | undefined): void {
  const stages = dockerfile.stages;
  if (stages.length === 0) return;
  const target = deploy?.config?.build.target;
  let builder = target === undefined ? undefined : stages.find((s) => s.name === target.toLowerCase());
  if (target !== undefined && !builder) {
    const range = deploy?.rangeOf(['build', 'target']);
    if (range) ctx.missingTarget = { target, range };
  }
  builder ??= stages.find((s) => s.runs.some(runsMixRelease)) ?? stages[0];
  ctx.builderStage = builder;
  const last = stages[stages.length - 1];
  const lastRoot = rootStage(dockerfile, last);
  // A `FROM scratch` last stage only exports files; it runs nothing.
  if (lastRoot.index !== rootStage(dockerfile, builder).index && lastRoot.image.value !== 'scratch') ctx.runnerStage = last;
}
