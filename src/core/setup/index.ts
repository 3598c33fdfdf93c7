/** `setup`'s public surface for the CLI and the extension. */
export { createSetupPlan, describeSetup, runSetup } from './plan';
export type { SetupOptions, SetupPreview, SetupResult, SetupHostResult } from './types';
