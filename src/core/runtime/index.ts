export { readReleaseRuntime, readRuntimeFiles, runtimeOf, type RuntimeFiles } from './read';
export { releaseRuntime, SERVER_OVERLAY, type ReleaseRuntime, type RuntimeVariable } from './spec';
export { readFinalStage, type FinalStageSpec } from './finalStage';
export { phxServerGate, RUNTIME_CONFIG_PATHS } from './serverGate';
