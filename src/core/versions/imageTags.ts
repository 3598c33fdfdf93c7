import { osFromWord, type OsInfo } from './osRelease';

/**
 * What an image reference says about Elixir, OTP and the OS. Parts carry their [start, end) offsets
 * in the reference so that a finding (or a fix) can point at the exact characters.
 * A tag that does not state something leaves it undefined: never a guess.
 */
export type ImageKind = 'hexpm-elixir' | 'hexpm-erlang' | 'elixir' | 'erlang' | 'os' | 'unknown';

export interface TagPart<T = string> {
  value: T;
  start: number;
  end: number;
}

export interface ImageFacts {
  reference: string;
  /** `hexpm/elixir`, `elixir` (official images lose `library/` and the registry). */
  repository: string;
  tag?: string;
  kind: ImageKind;
  elixir?: TagPart;
  otp?: TagPart;
  os?: TagPart<OsInfo>;
}

const NUMBERS = String.raw`\d+(?:\.\d+)*`;
const HEXPM_ELIXIR = new RegExp(String.raw`^(.+?)-erlang-(${NUMBERS})-(debian|ubuntu|alpine)-(.+)$`);
const HEXPM_ERLANG = new RegExp(String.raw`^(${NUMBERS})-(debian|ubuntu|alpine)-(.+)$`);
const OFFICIAL_ELIXIR = new RegExp(String.raw`^(?:(${NUMBERS}(?:-rc\.\d+)?)(?:-otp-(\d+))?|otp-(\d+))?(?:-?(slim|alpine))?$`);
const OFFICIAL_ERLANG = new RegExp(String.raw`^(${NUMBERS})?(?:-?(slim|alpine))?$`);

export function parseImageReference(reference: string): ImageFacts {
  const { repository, tag, tagStart } = splitReference(reference);
  const facts: ImageFacts = { reference, repository, tag, kind: 'unknown' };
  if (tag === undefined) return facts;
  const part = <T>(value: T, offsetInTag: number, length: number): TagPart<T> =>
    ({ value, start: tagStart + offsetInTag, end: tagStart + offsetInTag + length });
  switch (repository) {
    case 'hexpm/elixir': {
      const m = HEXPM_ELIXIR.exec(tag);
      if (!m) return facts;
      const otpAt = m[1].length + '-erlang-'.length;
      const osAt = otpAt + m[2].length + 1 + m[3].length + 1;
      return {
        ...facts,
        kind: 'hexpm-elixir',
        elixir: part(m[1], 0, m[1].length),
        otp: part(m[2], otpAt, m[2].length),
        os: osPart(m[3], m[4], (os) => part(os, osAt, m[4].length)),
      };
    }
    case 'hexpm/erlang': {
      const m = HEXPM_ERLANG.exec(tag);
      if (!m) return facts;
      const osAt = m[1].length + 1 + m[2].length + 1;
      return {
        ...facts,
        kind: 'hexpm-erlang',
        otp: part(m[1], 0, m[1].length),
        os: osPart(m[2], m[3], (os) => part(os, osAt, m[3].length)),
      };
    }
    case 'elixir': {
      const m = OFFICIAL_ELIXIR.exec(tag);
      if (!m || tag === '' || tag === 'latest') return facts;
      const otp = m[2] ?? m[3];
      const otpAt = m[2] !== undefined ? m[1].length + '-otp-'.length : 'otp-'.length;
      return {
        ...facts,
        kind: 'elixir',
        elixir: m[1] !== undefined ? part(m[1], 0, m[1].length) : undefined,
        otp: otp !== undefined ? part(otp, otpAt, otp.length) : undefined,
        os: variantOs(m[4], tag, part),
      };
    }
    case 'erlang': {
      const m = OFFICIAL_ERLANG.exec(tag);
      if (!m || tag === '') return facts;
      return {
        ...facts,
        kind: 'erlang',
        otp: m[1] !== undefined ? part(m[1], 0, m[1].length) : undefined,
        os: variantOs(m[2], tag, part),
      };
    }
    case 'debian':
    case 'ubuntu':
    case 'alpine': {
      const os = osFromTag(repository, tag);
      return { ...facts, kind: 'os', os: os ? part(os, 0, tag.length) : { value: { family: repository }, start: tagStart, end: tagStart + tag.length } };
    }
    default:
      return facts;
  }
}

/**
 * Official elixir/erlang images are Debian unless `-alpine`; which release depends on when the tag
 * was pushed, so only the family is known.
 */
function variantOs(variant: string | undefined, tag: string, part: <T>(v: T, at: number, len: number) => TagPart<T>): TagPart<OsInfo> {
  const family = variant === 'alpine' ? 'alpine' : 'debian';
  return part({ family }, 0, tag.length);
}

function osPart(family: string, osTag: string, make: (os: OsInfo) => TagPart<OsInfo>): TagPart<OsInfo> {
  return make(osFromTag(family, osTag) ?? { family });
}

/**
 * The OS stated by a tag: Debian `bookworm-20240612-slim`, `12.5-slim`; Ubuntu `jammy-20240530`, `22.04`;
 * Alpine `3.19.1`. `latest`, `stable`, `sid`, `edge` state no release.
 */
export function osFromTag(family: string, tag: string): OsInfo | undefined {
  const first = tag.toLowerCase().split('-')[0];
  return osFromWord(family, first);
}

/** `[registry/]path[:tag][@digest]`; a first component with `.` or `:` (or `localhost`) is a registry. */
function splitReference(reference: string): { repository: string; tag?: string; tagStart: number } {
  const at = reference.indexOf('@');
  const named = at === -1 ? reference : reference.slice(0, at);
  const slash = named.indexOf('/');
  const first = slash === -1 ? '' : named.slice(0, slash);
  const pathStart = slash !== -1 && (first.includes('.') || first.includes(':') || first === 'localhost') ? slash + 1 : 0;
  const colon = named.indexOf(':', Math.max(pathStart, named.lastIndexOf('/') + 1));
  let path = (colon === -1 ? named.slice(pathStart) : named.slice(pathStart, colon)).toLowerCase();
  if (path.startsWith('library/')) path = path.slice('library/'.length);
  if (colon === -1) return { repository: path, tagStart: named.length };
  return { repository: path, tag: named.slice(colon + 1), tagStart: colon + 1 };
}
