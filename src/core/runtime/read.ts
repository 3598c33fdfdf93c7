/** Reads what `releaseRuntime` needs from a project directory (the only I/O of this module). */
import { join } from 'node:path';
import { readProjectFile, readProjectFiles } from '../versions/project';
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

export async function readRuntimeFiles(root: string, buffers?: ReadonlyMap<string, string>): Promise<RuntimeFiles> {
  const read = async (path: string) => buffers?.get(path) ?? (await readProjectFile(join(root, path)));
  const project = await readProjectFiles(root, buffers);
  let runtimeConfig: RuntimeFiles['runtimeConfig'];
  for (const path of RUNTIME_CONFIG_PATHS) {
    const text = await read(path);
    if (text !== undefined) {
      runtimeConfig = { path, text };
      break;
    }
  }
  let envSh: RuntimeFiles['envSh'];
  for (const path of ENV_SH_PATHS) {
    const text = await read(path);
    if (text !== undefined) {
      envSh = { path, text };
      break;
    }
  }
  const builderTarget = project.deployYml === undefined ? undefined : parseDeployConfig(project.deployYml).config?.build.target;
  return {
    runtimeConfig,
    serverScript: (await read(SERVER_OVERLAY)) !== undefined,
    dockerfile: project.dockerfile === undefined ? undefined : { path: project.dockerfilePath ?? 'Dockerfile', text: project.dockerfile },
    builderTarget: builderTarget ?? 'builder',
    envSh,
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
