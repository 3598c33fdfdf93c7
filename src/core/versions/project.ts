import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDeployConfig, type LoadedConfig } from '../config/load';
import { CONFIG_PATH } from '../config/types';

/** The texts the version checks read; undefined when a file is missing. Paths are project-relative. */
export interface ProjectFiles {
  toolVersions?: string;
  dockerfile?: string;
  /** Default: deploy.yml `build.dockerfile`, else `Dockerfile`. */
  dockerfilePath?: string;
  mixExs?: string;
  distilleryConfig?: string;
  deployYml?: string;
}

export const PROJECT_PATHS = {
  toolVersions: '.tool-versions',
  mixExs: 'mix.exs',
  distilleryConfig: 'rel/config.exs',
  deployYml: CONFIG_PATH,
  dockerfile: 'Dockerfile',
} as const;

export function dockerfilePathOf(deploy: LoadedConfig | undefined): string {
  return deploy?.config?.build.dockerfile ?? PROJECT_PATHS.dockerfile;
}

/** Reads the project's files; the only I/O of the version checks. */
export async function readProjectFiles(root: string, buffers?: ReadonlyMap<string, string>): Promise<ProjectFiles> {
  // Unsaved editor buffers (by project-relative path) win over the files on disk.
  const read = (path: string) => buffers?.get(path) ?? readFile(join(root, path), 'utf8').catch(() => undefined);
  const [deployYml, toolVersions, mixExs, distilleryConfig] = await Promise.all([
    read(PROJECT_PATHS.deployYml), read(PROJECT_PATHS.toolVersions), read(PROJECT_PATHS.mixExs), read(PROJECT_PATHS.distilleryConfig),
  ]);
  const dockerfilePath = dockerfilePathOf(deployYml === undefined ? undefined : parseDeployConfig(deployYml));
  const dockerfile = await read(dockerfilePath);
  return { toolVersions, dockerfile, dockerfilePath, mixExs, distilleryConfig, deployYml };
}
