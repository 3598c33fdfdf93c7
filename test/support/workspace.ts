import { cp, mkdtemp } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { EXAMPLE_APP } from './paths';

/** A throwaway copy of the example app, so tests may edit it freely. */
export async function copyExample(prefix = 'phx-ws-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await cp(EXAMPLE_APP, dir, { recursive: true, filter: (src) => !/[\\/](_build|deps)([\\/]|$)/.test(src) });
  return dir;
}
