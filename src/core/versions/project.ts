import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
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

/** Project files are small texts; beyond this only the start is read (versions live at the top). */
export const MAX_PROJECT_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Reads a project file as text; undefined when it is missing or not a regular file. A FIFO, a
 * device (a symlink to /dev/zero) or a directory would otherwise block or never end the check,
 * and diagnostics run on untrusted workspaces too.
 */
export async function readProjectFile(path: string, max = MAX_PROJECT_FILE_BYTES): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK); // a FIFO opens without waiting for a writer
    const stat = await handle.stat();
    if (!stat.isFile()) return undefined;
    const buffer = Buffer.alloc(Math.min(stat.size, max));
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buffer.subarray(0, filled).toString('utf8');
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** Reads the project's files; the only I/O of the version checks. */
export async function readProjectFiles(root: string, buffers?: ReadonlyMap<string, string>): Promise<ProjectFiles> {
  // Unsaved editor buffers (by project-relative path) win over the files on disk.
  const read = (path: string) => buffers?.get(path) ?? readProjectFile(join(root, path));
  const [deployYml, toolVersions, mixExs, distilleryConfig] = await Promise.all([
    read(PROJECT_PATHS.deployYml), read(PROJECT_PATHS.toolVersions), read(PROJECT_PATHS.mixExs), read(PROJECT_PATHS.distilleryConfig),
  ]);
  const dockerfilePath = dockerfilePathOf(deployYml === undefined ? undefined : parseDeployConfig(deployYml));
  const dockerfile = await read(dockerfilePath);
  return { toolVersions, dockerfile, dockerfilePath, mixExs, distilleryConfig, deployYml };
}
