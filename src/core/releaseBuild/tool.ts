import type { BuildTool } from '../config/types';

export interface ReleaseToolChoice {
  tool: 'mix' | 'distillery';
  /** Distillery's version from mix.lock, when found. */
  distilleryVersion?: string;
  /** argv run in the project directory inside the build container (MIX_ENV is set separately). */
  command: string[];
  /** Why this tool, for the build log. */
  reason: string;
}

export interface ToolInputs {
  configured: BuildTool;
  /** Whether rel/config.exs exists (Distillery's configuration). */
  hasRelConfig: boolean;
  /** mix.lock text, if any. */
  mixLock?: string;
  mixEnv: string;
  /** Passed to `mix release` when mix.exs declares releases; undefined builds the default one. */
  releaseName?: string;
}

/** Distillery's locked version, e.g. `"distillery": {:hex, :distillery, "2.1.1", ...}` → 2.1.1. */
export function distilleryVersionFromLock(mixLock: string): string | undefined {
  return /"distillery":\s*\{\s*:hex,\s*:distillery,\s*"([^"]+)"/.exec(mixLock)?.[1];
}

/**
 * Chooses the release command: build.tool wins; otherwise rel/config.exs means Distillery
 * (2.x+ renamed its task to `distillery.release`), and anything else is `mix release`.
 */
export function selectReleaseTool(inputs: ToolInputs): ReleaseToolChoice {
  const { configured, hasRelConfig, mixLock, mixEnv, releaseName } = inputs;
  const useDistillery = configured === 'distillery' || (configured === 'auto' && hasRelConfig);
  if (!useDistillery) {
    const reason = configured === 'mix' ? 'build.tool is mix' : 'no rel/config.exs: Elixir\'s built-in mix release';
    return { tool: 'mix', command: ['mix', 'release', ...(releaseName ? [releaseName] : []), '--overwrite'], reason };
  }
  const version = mixLock ? distilleryVersionFromLock(mixLock) : undefined;
  const major = version ? Number(/^(\d+)/.exec(version)?.[1]) : undefined;
  const why = configured === 'distillery' ? 'build.tool is distillery' : 'rel/config.exs found';
  if (major !== undefined && major < 2) {
    return { tool: 'distillery', distilleryVersion: version, command: ['mix', 'release', `--env=${mixEnv}`], reason: `${why}; Distillery ${version} (1.x) from mix.lock` };
  }
  const which = version ? `Distillery ${version} from mix.lock` : 'Distillery version not in mix.lock, assuming 2.x';
  return { tool: 'distillery', distilleryVersion: version, command: ['mix', 'distillery.release', `--env=${mixEnv}`], reason: `${why}; ${which}` };
}
