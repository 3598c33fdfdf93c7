import * as posix from 'node:path/posix';
import type { IdleContainerSpec, VolumeMount } from '../docker/container';
import { cacheVolumeNames, type CacheVolumeNames } from './keys';

/** The parts of `docker image inspect`'s Config the build container depends on. */
export interface ImageConfig {
  WorkingDir?: string;
  Env?: string[] | null;
  User?: string;
}

export interface BuildContainerInputs {
  image: ImageConfig;
  imageId: string;
  projectKey: string;
  branch: string;
  mixEnv: string;
  /** Project directory inside the checkout: '' or `apps/shop/`. */
  projectPrefix: string;
  labels: Record<string, string>;
  /** build.network; undefined = no network. */
  network?: string;
}

export interface BuildContainerPlan {
  spec: IdleContainerSpec;
  /** Where the checkout root is copied. */
  sourceRoot: string;
  /** Where mix runs: the project inside the copied checkout. */
  projectDir: string;
  volumes: CacheVolumeNames;
  /** Why something could not be cached, for a note. */
  warnings: string[];
}

const DEFAULT_WORKDIR = '/app';

/**
 * The build container: the stage's WORKDIR (default /app) holds the source; deps/ and _build/ of the
 * project and the mix/hex homes are named volumes so the next build starts warm.
 */
export function planBuildContainer(inputs: BuildContainerInputs): BuildContainerPlan {
  const env = new Map((inputs.image.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as [string, string]));
  const workdir = inputs.image.WorkingDir && inputs.image.WorkingDir !== '/' ? inputs.image.WorkingDir : DEFAULT_WORKDIR;
  const projectDir = posix.join(workdir, inputs.projectPrefix).replace(/\/$/, '');
  const volumes = cacheVolumeNames(inputs.projectKey, inputs.branch, inputs.imageId);
  const mounts: VolumeMount[] = [
    { volume: volumes.deps, target: `${projectDir}/deps` },
    { volume: volumes.build, target: `${projectDir}/_build` },
  ];
  const warnings: string[] = [];
  const user = inputs.image.User ?? '';
  const home = env.get('HOME') ?? (user === '' || user === 'root' || user.startsWith('0') ? '/root' : undefined);
  const mixHome = env.get('MIX_HOME') ?? (home ? `${home}/.mix` : undefined);
  const hexHome = env.get('HEX_HOME') ?? (home ? `${home}/.hex` : undefined);
  const extraEnv: string[] = [`MIX_ENV=${inputs.mixEnv}`];
  if (!env.has('LANG')) extraEnv.push('LANG=C.UTF-8');
  if (mixHome && hexHome) {
    // Mounted at the image's own paths, so Docker seeds them with whatever the image installed (Hex, rebar).
    mounts.push({ volume: volumes.mixHome, target: mixHome }, { volume: volumes.hexHome, target: hexHome });
    extraEnv.push(`MIX_HOME=${mixHome}`, `HEX_HOME=${hexHome}`);
  } else {
    warnings.push(`the build image runs as "${user}" without HOME/MIX_HOME/HEX_HOME set, so the mix and hex homes are not cached`);
  }
  return {
    spec: { image: inputs.imageId, labels: inputs.labels, env: extraEnv, workdir, volumes: mounts, network: inputs.network ?? 'none' },
    sourceRoot: workdir,
    projectDir,
    volumes,
    warnings,
  };
}

/** argv of `docker run` equivalent to the build container, for --dry-run. */
export function describeBuildContainer(plan: { spec: IdleContainerSpec }): string[] {
  const argv = ['docker', 'run', '-d', '--network', plan.spec.network, '-w', plan.spec.workdir];
  for (const [k, v] of Object.entries(plan.spec.labels)) argv.push('--label', `${k}=${v}`);
  for (const e of plan.spec.env) argv.push('-e', e);
  for (const m of plan.spec.volumes) argv.push('-v', `${m.volume}:${m.target}`);
  argv.push(plan.spec.image, 'tail', '-f', '/dev/null');
  return argv;
}
