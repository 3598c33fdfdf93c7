/**
 * Release ids sort in time order and say what they hold: `20261126T112400Z-0.1.0-abc1234`.
 * UTC timestamp first, then the app version, then the short commit.
 */
const RELEASE_ID = /^(\d{8}T\d{6}Z)-([0-9A-Za-z.+_-]+)-([0-9a-f]{7,40})$/;

export interface ReleaseIdParts {
  timestamp: string;
  version: string;
  commit: string;
}

export function makeReleaseId(date: Date, version: string, commit: string): string {
  const stamp = date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  const safeVersion = version.replace(/[^0-9A-Za-z.+_-]/g, '_');
  return `${stamp}-${safeVersion}-${commit.slice(0, 7).toLowerCase()}`;
}

export function parseReleaseId(id: string): ReleaseIdParts | undefined {
  const m = RELEASE_ID.exec(id);
  return m ? { timestamp: m[1], version: m[2], commit: m[3] } : undefined;
}

export function isReleaseId(id: string): boolean {
  return RELEASE_ID.test(id);
}
