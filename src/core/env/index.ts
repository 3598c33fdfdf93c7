/** `env`'s public surface for the CLI and the extension. */
export { applyEdit, checkKey, ENV_KEY, EnvKeyError, parseDotenv, type EnvChange, type EnvEdit } from './envFile';
export { listEnv, type EnvHostListing, type EnvKeyInfo, type EnvListing } from './list';
export { createEnvPlan, describeChanges, describeEnvChange, runEnvChange } from './plan';
export type { EnvOptions, EnvPreview, EnvResult } from './types';
export { generateSecret } from './secret';
