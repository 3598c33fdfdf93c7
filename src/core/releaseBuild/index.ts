/** The build's public surface: what the CLI, the extension and the deploy engine use. */
export { createBuildPlan, runBuild, type BuildPlan } from './plan';
export { findStoredRelease, listStoredReleases, releasesDir, MANIFEST_FILE, RELEASE_SUBDIR } from './store';
export { mapContainerPaths, parseCompileDiagnostics, type PathMapping, type CompileDiagnostic } from './pathMapping';
export { selectReleaseTool, distilleryVersionFromLock, type ReleaseToolChoice } from './tool';
export { releaseReuseKey, cacheVolumeNames, builderImageTag, buildLabels, LABEL_PROJECT, LABEL_BRANCH, LABEL_ROLE } from './keys';
export type { BuildOptions, BuildState, Manifest } from './types';
export { defaultCacheRoot, projectKey } from '../git/cacheDir';
