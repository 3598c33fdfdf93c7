import * as path from 'node:path';

/** Locations shared by the test layers and the testbed scripts. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const TESTBED_DIR = process.env.TESTBED_DIR ?? '/var/cache/phoenix-deploy-testbed';
export const CODE_SERVER_ENTRY = path.join(TESTBED_DIR, 'code-server-4.100.3', 'package', 'out', 'node', 'entry.js');
export const EXAMPLE_APP = path.join(REPO_ROOT, 'examples', 'hello_phoenix');
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');
export const SANDBOX_KEY = path.join(TESTBED_DIR, 'sandbox', 'id_ed25519');
export const SANDBOX_KNOWN_HOSTS = path.join(TESTBED_DIR, 'sandbox', 'known_hosts');
