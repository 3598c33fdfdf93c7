import * as path from 'node:path';
import { git } from './run';

/** Whether git tracks `file` (a dotenv file of secrets should be ignored, never committed). False outside a repository. */
export async function isTrackedByGit(file: string): Promise<boolean> {
  return git(['ls-files', '--error-unmatch', '--', path.basename(file)], { cwd: path.dirname(file) }).then(() => true, () => false);
}
