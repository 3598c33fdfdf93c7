import { seedCommand, versionedDirs } from '../../src/core/remote/seed';
import type { SshConnection } from '../../src/core/ssh/connection';

/** Runs the engine's seeding command on a directory (a copy of the cache); returns what it seeded. */
export async function seedPlan(conn: SshConnection, releaseDir: string, cacheDir: string): Promise<string> {
  const command = seedCommand(cacheDir, versionedDirs(releaseDir));
  if (!command) return 'nothing to seed';
  const r = await conn.exec(command);
  const lines = r.stdout.trim().split('\n').filter((l) => l.startsWith('seeded '));
  return lines.length > 0 ? lines.map((l) => l.replace(/^seeded (\S+) from .*/, '$1')).join(', ') : 'nothing seeded';
}
