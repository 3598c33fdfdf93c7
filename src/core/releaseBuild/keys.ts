import { createHash } from 'node:crypto';
import { branchSlug } from '../git/cacheDir';

/** Labels on every image, container and volume a build creates, so they can be found and cleaned. */
export const LABEL_PROJECT = 'dev.phoenix-deploy.project';
export const LABEL_BRANCH = 'dev.phoenix-deploy.branch';
export const LABEL_ROLE = 'dev.phoenix-deploy.role';

export function buildLabels(projectKey: string, branch: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, [LABEL_PROJECT]: projectKey, [LABEL_BRANCH]: branchSlug(branch), [LABEL_ROLE]: 'build' };
}

/** Tag of the built environment stage; one per project and branch, replaced by each build. */
export function builderImageTag(projectKey: string, branch: string): string {
  return `phoenix-deploy-builder/${projectKey}:${branchSlug(branch)}`.toLowerCase();
}

export interface CacheVolumeNames {
  deps: string;
  build: string;
  mixHome: string;
  hexHome: string;
}

/**
 * Persistent volumes per project and branch. The mix/hex homes are also per builder image: Docker
 * seeds an empty volume from the image, so a new image (new Hex, new Elixir) starts from its own.
 */
export function cacheVolumeNames(projectKey: string, branch: string, imageId: string): CacheVolumeNames {
  const base = `phoenix-deploy-${projectKey}-${branchSlug(branch)}`;
  const image = imageId.replace(/^sha256:/, '').slice(0, 12);
  return { deps: `${base}-deps`, build: `${base}-build`, mixHome: `${base}-mix-${image}`, hexHome: `${base}-hex-${image}` };
}

/**
 * The `_build` volume of a replayed stage. Docker seeds a new volume from the image, so it starts
 * with what the stage compiled before its source copy (the deps); a new image (new deps) gets a
 * new volume, never one compiled against other deps.
 */
export function replayBuildVolume(projectKey: string, branch: string, imageId: string): string {
  return `${cacheVolumeNames(projectKey, branch, imageId).build}-${imageId.replace(/^sha256:/, '').slice(0, 12)}`;
}

/** Whether `name` is a replay `_build` volume of this project and branch (for removing superseded ones). */
export function isReplayBuildVolume(name: string, projectKey: string, branch: string): boolean {
  const prefix = `${cacheVolumeNames(projectKey, branch, '').build}-`;
  return name.startsWith(prefix) && /^[0-9a-f]{12}$/.test(name.slice(prefix.length));
}

export interface ReuseKeyInput {
  commit: string;
  app: string;
  mixEnv: string;
  /** Dockerfile path, target and content: a different build environment means a different release. */
  dockerfilePath: string;
  dockerfileTarget: string;
  dockerfileText: string;
}

/** Identifies a stored release that the same build would reproduce. */
export function releaseReuseKey(input: ReuseKeyInput): string {
  const dockerfileHash = createHash('sha256')
    .update(`${input.dockerfilePath}\0${input.dockerfileTarget}\0${input.dockerfileText}`).digest('hex');
  return createHash('sha256')
    .update(JSON.stringify([input.commit, input.app, input.mixEnv, dockerfileHash])).digest('hex').slice(0, 32);
}
