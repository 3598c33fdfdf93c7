import { sortFindings } from '../findings';
import { CONFIG_PATH } from '../config/types';
import { parseDeployConfig } from '../config/load';
import { applyInventories } from '../project/inventory';
import { privWriteFindings, readSources } from './privWrites';
import { checkProject, readProjectFiles, type CheckFinding, type ImageContents } from '../versions/check';
import { readRuntimeFiles } from '../runtime/read';
import { runtimeFindings } from '../runtime/rules';

export interface WorkspaceCheckOptions {
  env?: string;
  /** Unsaved editor buffers by project-relative path; they win over the files on disk. */
  buffers?: ReadonlyMap<string, string>;
  /** Report a missing config/deploy.yml (the CLI does; the editor shows a welcome view instead). */
  requireConfig?: boolean;
  /** What a probe read from the build image; it stands in for the Dockerfile's tag. */
  image?: ImageContents;
  /**
   * Run ansible-inventory for environments whose hosts come from an inventory (default true). The
   * editor turns it off in an untrusted workspace: a project's inventory is its own input.
   */
  inventories?: boolean;
}

/** Every static finding for a project: the one entry point the CLI and the editor share. */
export async function checkWorkspace(root: string, options: WorkspaceCheckOptions = {}): Promise<CheckFinding[]> {
  const files = await readProjectFiles(root, options.buffers);
  const findings = checkProject(files, { env: options.env, image: options.image });
  const config = files.deployYml === undefined ? undefined : parseDeployConfig(files.deployYml).config;
  findings.push(...runtimeFindings(await readRuntimeFiles(root, options.buffers, files), config, options.env));
  if (files.deployYml !== undefined) {
    const loaded = parseDeployConfig(files.deployYml);
    if (options.inventories !== false) findings.push(...(await applyInventories(loaded, root)).findings.slice(loaded.findings.length) as CheckFinding[]);
    findings.push(...privWriteFindings(await readSources(root, options.buffers), loaded.config, options.env) as CheckFinding[]);
  }
  if (files.deployYml === undefined && options.requireConfig) {
    findings.push({
      file: CONFIG_PATH, line: 1, column: 1, endLine: 1, endColumn: 1, severity: 'error', code: 'config-invalid',
      message: `${CONFIG_PATH} not found in ${root}; create it (see README "Configuration") or run "Phoenix: Create Deploy Config"`,
    });
  }
  return sortFindings(findings) as CheckFinding[];
}
