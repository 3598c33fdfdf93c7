import { DEBIAN_CODENAMES, UBUNTU_CODENAMES } from './distroCodenames';

/**
 * One OS shape for image tags, deploy.yml `os:` and `/etc/os-release`, so that they compare directly.
 * Only what is stated is filled in: an absent `release` means "not known", never a guess.
 */
export type OsFamily = 'debian' | 'ubuntu' | 'alpine' | (string & {});

export interface OsInfo {
  /** Lowercase distribution id, as in os-release `ID`. */
  family: OsFamily;
  /** `12`, `22.04`, `3.19` (Alpine: major.minor, the ABI-relevant part). */
  release?: string;
  codename?: string;
}

// Generated from Debian's distro-info-data at build time (scripts/generate-codenames.mjs).
function codenames(family: string): Readonly<Record<string, string>> | undefined {
  return family === 'debian' ? DEBIAN_CODENAMES : family === 'ubuntu' ? UBUNTU_CODENAMES : undefined;
}

function codenameOf(family: string, release: string): string | undefined {
  const table = codenames(family);
  return table ? Object.keys(table).find((name) => table[name] === release) : undefined;
}

/**
 * Normalizes a stated release: Debian `12.5` → `12` (before Debian 7 the minor counted: `3.1`),
 * Alpine `3.19.1` → `3.19`, Ubuntu stays `22.04`.
 */
export function normalizeRelease(family: string, release: string): string | undefined {
  const parts = release.split('.');
  if (!parts.every((p) => /^\d+$/.test(p))) return undefined;
  if (family === 'debian') return Number(parts[0]) >= 7 ? parts[0] : `${parts[0]}.${parts[1] ?? '0'}`;
  if (family === 'alpine') return parts.length >= 2 ? `${parts[0]}.${parts[1]}` : undefined;
  if (family === 'ubuntu') return parts.length >= 2 ? `${parts[0]}.${parts[1].padStart(2, '0')}` : undefined;
  return release;
}

/** `bookworm`, `12`, `12.5`, `jammy`, `22.04`, `3.19.1` for a family; undefined when it says nothing. */
export function osFromWord(family: string, word: string): OsInfo | undefined {
  const lower = word.toLowerCase();
  const table = codenames(family);
  if (table && Object.hasOwn(table, lower)) return { family, release: table[lower], codename: lower };
  const release = normalizeRelease(family, lower);
  if (release === undefined) return undefined;
  const codename = codenameOf(family, release);
  return codename ? { family, release, codename } : { family, release };
}

/** deploy.yml `os:` such as `debian-12`, `debian-bookworm`, `ubuntu-22.04`, `alpine-3.19`. */
export function parseOsSpec(spec: string): OsInfo | undefined {
  const match = /^([a-z]+)-([a-z0-9.]+)$/.exec(spec.trim().toLowerCase());
  if (!match) return undefined;
  return osFromWord(match[1], match[2]);
}

export interface OsReleaseFile {
  /** Undefined when the file names no distribution. */
  os?: OsInfo;
  id?: string;
  versionId?: string;
  prettyName?: string;
}

/** `/etc/os-release` text (KEY=value, optionally quoted). */
export function parseOsRelease(text: string): OsReleaseFile {
  const values: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match) values[match[1]] = unquote(match[2].trim());
  }
  const id = values.ID?.toLowerCase();
  const versionId = values.VERSION_ID;
  const codename = values.VERSION_CODENAME?.toLowerCase() || undefined;
  const file: OsReleaseFile = { id, versionId, prettyName: values.PRETTY_NAME };
  if (!id) return file;
  const byVersion = versionId ? osFromWord(id, versionId) : undefined;
  const byCodename = codename ? osFromWord(id, codename) : undefined;
  const os: OsInfo = { family: id, ...(byVersion ?? byCodename) };
  if (codename && os.codename === undefined && codenames(id)) os.codename = codename;
  if (!os.release && versionId && !codenames(id) && id !== 'alpine') os.release = versionId;
  return { ...file, os };
}

function unquote(value: string): string {
  const match = /^"(.*)"$/.exec(value) ?? /^'(.*)'$/.exec(value);
  return match ? match[1].replace(/\\(["\\$`])/g, '$1') : value;
}

export type OsComparison = 'same' | 'different' | 'unknown';

/** `different` only when something stated differs: the family, or both releases (or both codenames). */
export function compareOs(a: OsInfo | undefined, b: OsInfo | undefined): OsComparison {
  if (!a || !b) return 'unknown';
  if (a.family !== b.family) return 'different';
  if (a.release && b.release) return a.release === b.release ? 'same' : 'different';
  if (a.codename && b.codename) return a.codename === b.codename ? 'same' : 'different';
  return 'unknown';
}

const FAMILY_NAMES: Record<string, string> = { debian: 'Debian', ubuntu: 'Ubuntu', alpine: 'Alpine' };

/** `Debian 12 (bookworm)`, `Alpine 3.19`, or just `Debian` when the release is not stated. */
export function formatOs(os: OsInfo): string {
  const family = FAMILY_NAMES[os.family] ?? os.family;
  if (!os.release) return os.codename ? `${family} ${os.codename}` : family;
  return os.codename ? `${family} ${os.release} (${os.codename})` : `${family} ${os.release}`;
}
