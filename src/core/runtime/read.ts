/** Reads what `releaseRuntime` needs from a project directory (the only I/O of this module). */
import { join } from 'node:path';
import { readProjectFile, readProjectFiles, type ProjectFiles } from '../versions/project';
import { parseDeployConfig } from '../config/load';
import { ENV_SH_PATHS } from './envSh';
import { readFinalStage } from './finalStage';
import { phxServerGate, RUNTIME_CONFIG_PATHS } from './serverGate';
import { releaseRuntime, SERVER_OVERLAY, type ReleaseRuntime } from './spec';

export interface RuntimeFiles {
  /** config/runtime.exs (or config/releases.exs), project-relative path and text. */
  runtimeConfig?: { path: string; text: string };
  serverScript: boolean;
  dockerfile?: { path: string; text: string };
  builderTarget?: string;
  /** rel/env.sh.eex (or rel/env.sh): sourced by the start script after the unit's environment. */
  envSh?: { path: string; text: string };
}

/** The first of `paths` that exists, with its text. */
async function firstOf(paths: readonly string[], read: (path: string) => Promise<string | undefined>): Promise<{ path: string; text: string } | undefined> {
  for (const path of paths) {
    const text = await read(path);
    if (text !== undefined) return { path, text };
  }
  return undefined;
}

/** `project`: the files `check` already read (readProjectFiles), so they are not read twice. */
export async function readRuntimeFiles(root: string, buffers?: ReadonlyMap<string, string>, project?: ProjectFiles): Promise<RuntimeFiles> {
  const read = async (path: string) => buffers?.get(path) ?? (await readProjectFile(join(root, path)));
  const files = project ?? await readProjectFiles(root, buffers);
  const builderTarget = files.deployYml === undefined ? undefined : parseDeployConfig(files.deployYml).config?.build.target;
  return {
    runtimeConfig: await firstOf(RUNTIME_CONFIG_PATHS, read),
    serverScript: (await read(SERVER_OVERLAY)) !== undefined,
    dockerfile: files.dockerfile === undefined ? undefined : { path: files.dockerfilePath ?? 'Dockerfile', text: files.dockerfile },
    builderTarget: builderTarget ?? 'builder',
    envSh: await firstOf(ENV_SH_PATHS, read),
  };
}

export function runtimeOf(files: RuntimeFiles): ReleaseRuntime {
  return releaseRuntime({
    serverScript: files.serverScript,
    serverGate: files.runtimeConfig && phxServerGate(files.runtimeConfig.text, files.runtimeConfig.path),
    finalStage: files.dockerfile && readFinalStage(files.dockerfile.text, files.dockerfile.path, files.builderTarget),
  });
}

export async function readReleaseRuntime(root: string): Promise<ReleaseRuntime> {
  return runtimeOf(await readRuntimeFiles(root));
}
