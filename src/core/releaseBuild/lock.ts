import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';

/**
 * One build per project and branch at a time: two would share the checkout, the cache volumes and
 * the container label. The lock file holds the owner's pid; a dead owner's lock is taken over.
 * Returns the function that releases it.
 */
export async function acquireBuildLock(lockFile: string, what: string): Promise<() => Promise<void>> {
  await fs.mkdir(path.dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await fs.open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => fs.rm(lockFile, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number((await fs.readFile(lockFile, 'utf8').catch(() => '')).trim());
      if (owner > 0 && isAlive(owner)) {
        throw new UserError(`another build of ${what} is running (pid ${owner}); wait for it or cancel it.`);
      }
      await fs.rm(lockFile, { force: true });
    }
  }
  throw new UserError(`could not lock ${lockFile} for the build of ${what}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
