import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { removeContainer } from '../docker/container';
import { branchSlug, defaultCacheRoot, projectKey } from '../git/cacheDir';
import { runPlan } from '../plan/runner';
import type { EventSink, Plan } from '../plan/types';
import { buildImageStep } from './steps/buildImage';
import { buildReleaseStep } from './steps/buildRelease';
import { collectStep } from './steps/collect';
import { detectToolStep } from './steps/detectTool';
import { resolveSourceStep } from './steps/resolveSource';
import type { BuildOptions, BuildState, Manifest } from './types';

export interface BuildPlan {
  plan: Plan<BuildState>;
  state: BuildState;
}

/** The build as a plan of named steps, with its initial state (for runPlan or describePlan). */
export function createBuildPlan(options: BuildOptions): BuildPlan {
  const cacheRoot = path.resolve(options.cacheRoot ?? defaultCacheRoot(options.projectDir));
  const state: BuildState = {
    options,
    cacheRoot,
    projectKey: projectKey(options.projectDir),
    checkoutDir: path.join(cacheRoot, 'checkouts', branchSlug(options.config.branch)),
    projectPrefix: '',
  };
  const plan: Plan<BuildState> = {
    title: `Build release from ${options.config.repo}/${options.config.branch}`,
    steps: [resolveSourceStep, detectToolStep, buildImageStep, buildReleaseStep, collectStep],
    finally: cleanUp,
  };
  return { plan, state };
}

/** Whatever happened: no container left running, no half-written release, the lock released. */
async function cleanUp(state: BuildState): Promise<void> {
  const errors: unknown[] = [];
  const attempt = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (e) {
      errors.push(e);
    }
  };
  if (state.container) {
    const container = state.container;
    await attempt(() => removeContainer(container));
    state.container = undefined;
  }
  if (state.stagingDir) {
    const staging = state.stagingDir;
    await attempt(() => fs.rm(staging, { recursive: true, force: true }));
    state.stagingDir = undefined;
  }
  if (state.releaseLock) await attempt(state.releaseLock);
  if (errors.length > 0) throw errors[0];
}

/**
 * Runs the build and returns the manifest of the new (or reused) release. Throws the failing step's
 * error (a UserError for anything the user can fix, CancelledError when cancelled).
 */
export async function runBuild(options: BuildOptions, emit: EventSink, signal: AbortSignal): Promise<Manifest> {
  const { plan, state } = createBuildPlan(options);
  const { outcome } = await runPlan(plan, state, emit, signal);
  if (!outcome.ok) throw outcome.error;
  if (!state.manifest) throw new Error('the build finished without a release manifest');
  return state.manifest;
}
