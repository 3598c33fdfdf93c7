import type { DeployConfig } from '../core/config/types';
import type { ReleaseToDeploy } from '../core/deploy';

/**
 * The release a deploy would ship and a line saying how it is known: the exact stored build it
 * will reuse, or a new build whose id is stamped when the build finishes.
 */
export async function prospectiveRelease(projectDir: string, config: DeployConfig): Promise<{ release: ReleaseToDeploy; summary: string }> {
  const { predictRelease } = await import('../core/releaseBuild/predict');
  const p = await predictRelease(projectDir, config);
  const release: ReleaseToDeploy = { id: p.id, app: p.app, version: p.version, commit: p.commit, path: p.stored?.path ?? `<release store>/${p.app}` };
  const summary = p.stored
    ? `Release: ${p.id} (the stored build of ${p.commit.slice(0, 7)}, reused)`
    : `Release: a new build of ${p.commit.slice(0, 7)}; its id is ${p.id.replace(/^\d{8}T\d{6}Z/, '<build time>')}, stamped when the build finishes (shown below with the time now)`;
  return { release, summary };
}
