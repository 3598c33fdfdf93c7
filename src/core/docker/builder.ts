import type { Docker } from './client';

export type BuilderKind = 'buildkit' | 'legacy';

export interface BuilderChoice {
  kind: BuilderKind;
  /** E.g. `Docker 20.10.24 (API 1.41)`, for messages. */
  engine: string;
  /** Why the legacy builder, when it is used. */
  reason?: string;
}

export interface EngineVersion {
  Version?: string;
  ApiVersion?: string;
  Os?: string;
}

/** BuildKit through `/build?version=2` arrived with Docker 18.09, API 1.39. */
const BUILDKIT_API = [1, 39];

/**
 * BuildKit whenever the engine has it; the legacy builder only when it does not, or when
 * DOCKER_BUILDKIT=0 asks for it, as with the docker CLI.
 */
export function selectBuilder(version: EngineVersion, env: NodeJS.ProcessEnv = process.env): BuilderChoice {
  const engine = `Docker ${version.Version ?? 'unknown'} (API ${version.ApiVersion ?? 'unknown'})`;
  const legacy = (reason: string): BuilderChoice => ({ kind: 'legacy', engine, reason });
  const flag = env.DOCKER_BUILDKIT?.trim().toLowerCase();
  if (flag === '0' || flag === 'false') return legacy('DOCKER_BUILDKIT=0 is set');
  if (version.Os && version.Os !== 'linux') return legacy(`BuildKit through the Engine API needs a Linux engine, this one runs ${version.Os}`);
  const [major, minor] = (version.ApiVersion ?? '0.0').split('.').map(Number);
  if (major < BUILDKIT_API[0] || (major === BUILDKIT_API[0] && minor < BUILDKIT_API[1])) {
    return legacy('BuildKit needs Docker 18.09 (API 1.39) or later');
  }
  return { kind: 'buildkit', engine };
}

export async function chooseBuilder(docker: Docker, env: NodeJS.ProcessEnv = process.env): Promise<BuilderChoice> {
  return selectBuilder(await docker.version() as EngineVersion, env);
}

/** A daemon answer meaning "no BuildKit here", after which the legacy builder is tried. */
export function refusesBuildKit(daemonMessage: string): boolean {
  return /buildkit/i.test(daemonMessage) && /not (supported|enabled)|unsupported|experimental/i.test(daemonMessage);
}

/** The one explanation shown when a build falls back to the legacy builder. */
export function legacyBuilderNote(choice: BuilderChoice): string {
  return `building with Docker's legacy builder on ${choice.engine}: ${choice.reason}. Docker deprecated the legacy ` +
    'builder in Engine 23.0 and will remove it; it refuses BuildKit syntax (RUN --mount, heredocs) and has no cache mounts. ' +
    'Phoenix Deploy uses BuildKit whenever the engine offers it (unset DOCKER_BUILDKIT=0, or upgrade Docker).';
}
