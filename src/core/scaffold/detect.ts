import { describeBuilder, type ProjectFiles } from '../versions/check';
import { hasCustomCommand, parseDistilleryConfig } from '../versions/distillery';
import { parseMixExs, resolveAppName, releaseFor } from '../versions/mixExs';
import { parseDockerfile, runsMixRelease } from '../versions/dockerfile';
import { projectPins } from '../versions/projectPins';

/** What "Create Deploy Config" can learn from a project, and what it lacks. */
export interface ProjectFacts {
  app?: string;
  hasRelease: boolean;
  stages: string[];
  /** The stage that runs the release build, else the first (the documented default). */
  target?: string;
  /** e.g. `debian-12`, from the builder image. */
  os?: string;
  erlang?: string;
  elixir?: string;
  /** The migrate command to propose: Distillery's custom `migrate` command when rel/config.exs declares one. */
  migrate?: string;
  missing: string[];
}

export function detectProject(files: ProjectFiles): ProjectFacts {
  const mix = files.mixExs !== undefined ? parseMixExs(files.mixExs) : undefined;
  const app = mix ? resolveAppName(undefined, mix) : undefined;
  const distillery = files.distilleryConfig !== undefined ? parseDistilleryConfig(files.distilleryConfig) : undefined;
  const hasRelease = mix !== undefined && (releaseFor(mix, app) !== undefined || (distillery?.releases.length ?? 0) > 0);
  const parsed = files.dockerfile !== undefined ? parseDockerfile(files.dockerfile) : undefined;
  const stages = parsed?.stages.map((s) => s.name).filter((n): n is string => n !== undefined) ?? [];
  const builder = files.dockerfile !== undefined ? describeBuilder(files) : undefined;
  const tools = projectPins(files).effective;
  const missing: string[] = [];
  if (!mix) missing.push('mix.exs was not found: open the Phoenix project folder');
  // No `releases:` key is fine: `mix release` builds one release named after the app, ERTS included.
  const migrate = distillery && app && hasCustomCommand(distillery, 'prod', app, 'migrate') ? `bin/${app} migrate` : undefined;
  if (!parsed) missing.push('no Dockerfile: run `mix phx.gen.release --docker`, or let Phoenix Deploy write one matching .tool-versions');
  const target = parsed?.stages.find((s) => s.name && s.runs.some(runsMixRelease))?.name ?? stages[0];
  const os = builder?.os?.release ? `${builder.os.family}-${builder.os.release}` : undefined;
  return {
    app, hasRelease, stages, target, os, missing, ...(migrate ? { migrate } : {}),
    erlang: tools.erlang?.version, elixir: tools.elixir?.version,
  };
}
