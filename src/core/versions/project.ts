import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { parseDeployConfig, type LoadedConfig } from '../config/load';
import { parseDistilleryConfig, vmArgsPaths } from './distillery';
import { CONFIG_PATH } from '../config/types';

/** The texts the version checks read; undefined when a file is missing. Paths are project-relative. */
export interface ProjectFiles {
  toolVersions?: string;
  /** mise config files that exist, by project-relative path (one of MISE_CONFIG_PATHS). */
  mise?: Readonly<Record<string, string>>;
  dockerfile?: string;
  /** Default: deploy.yml `build.dockerfile`, else `Dockerfile`. */
  dockerfilePath?: string;
  mixExs?: string;
  distilleryConfig?: string;
  /** Whether each file rel/config.exs names with `set vm_args:` exists (project-relative or absolute path as written). */
  distilleryVmArgs?: Readonly<Record<string, boolean>>;
  deployYml?: string;
}

export const PROJECT_PATHS = {
  toolVersions: '.tool-versions',
  mixExs: 'mix.exs',
  distilleryConfig: 'rel/config.exs',
  deployYml: CONFIG_PATH,
  dockerfile: 'Dockerfile',
} as const;

/**
 * The project's mise config files, highest precedence first, as mise's loader orders them
 * (later wins in its LOCAL_CONFIG_FILENAMES); `.tool-versions` comes after all of them.
 * Left out: `*.local.toml` (not committed), `mise.<env>.toml` (only with MISE_ENV), conf.d
 * fragments and the legacy `.rtx.toml`.
 */
export const MISE_CONFIG_PATHS = [
  '.mise.toml', 'mise.toml', 'mise/config.toml', '.mise/config.toml',
  '.config/mise.toml', '.config/mise/mise.toml', '.config/mise/config.toml',
] as const;

/** Every file that pins Erlang or Elixir, highest precedence first. */
export const PIN_FILE_PATHS: readonly string[] = [...MISE_CONFIG_PATHS, PROJECT_PATHS.toolVersions];

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
  const [deployYml, toolVersions, mixExs, distilleryConfig, ...miseTexts] = await Promise.all([
    read(PROJECT_PATHS.deployYml), read(PROJECT_PATHS.toolVersions), read(PROJECT_PATHS.mixExs), read(PROJECT_PATHS.distilleryConfig),
    ...MISE_CONFIG_PATHS.map(read),
  ]);
  const dockerfilePath = dockerfilePathOf(deployYml === undefined ? undefined : parseDeployConfig(deployYml));
  const dockerfile = await read(dockerfilePath);
  const mise = Object.fromEntries(MISE_CONFIG_PATHS.flatMap((path, i) => (miseTexts[i] === undefined ? [] : [[path, miseTexts[i]!]])));
  const vmArgs = distilleryConfig === undefined ? [] : vmArgsPaths(parseDistilleryConfig(distilleryConfig));
  const present = await Promise.all(vmArgs.map(async (p) => buffers?.has(p) || (await readProjectFile(isAbsolute(p) ? p : join(root, p), 0)) !== undefined));
  const distilleryVmArgs = vmArgs.length > 0 ? Object.fromEntries(vmArgs.map((p, i) => [p, present[i]])) : undefined;
  return { toolVersions, mise: Object.keys(mise).length > 0 ? mise : undefined, dockerfile, dockerfilePath, mixExs, distilleryConfig, distilleryVmArgs, deployYml };
}
