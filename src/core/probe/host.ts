import semver from 'semver';
import type { Finding, SourceRange } from '../findings';
import { majorOf, otpMajorForErts } from '../versions/compare';
import type { HostInspection } from '../remote/inspect';
import { compareOs, formatOs, type OsInfo, type OsReleaseFile } from '../versions/osRelease';
import type { BuilderDescription } from '../versions/check';
import type { ImageProbeResult } from './image';
import type { LibcInfo } from './libs';

/**
 * What a deploy host runs, as the one host inspection (remote/inspect.ts) reads it: its OS, libc,
 * OpenSSL libraries and the ERTS of the `current` release. Connecting (and reporting unreachable
 * hosts) is the caller's job.
 */
export interface CurrentRelease {
  erts: string;
  /** The app version from `start_erl.data`. */
  version?: string;
  otpMajor?: string;
}

export interface HostProbeResult {
  os?: OsInfo;
  osRelease?: OsReleaseFile;
  libc?: LibcInfo;
  libssl: string[];
  libcrypto: string[];
  /** Undefined before the first deploy. */
  current?: CurrentRelease;
}

export function hostProbeFromInspection(inspection: HostInspection): HostProbeResult {
  const erts = inspection.current?.erts;
  return {
    os: inspection.os.os,
    osRelease: inspection.os.id ? inspection.os : undefined,
    libc: inspection.libc,
    libssl: inspection.libssl,
    libcrypto: inspection.libcrypto,
    current: erts ? { erts, version: inspection.current?.version, otpMajor: otpMajorForErts(erts) } : undefined,
  };
}

/** What the release is built with, from the Dockerfile or the image probe. */
export interface BuiltWith {
  /** For messages, e.g. `the build image hexpm/elixir:…`. */
  label: string;
  os?: OsInfo;
  otp?: string;
  libc?: LibcInfo;
  libcrypto?: string[];
  /** Where the build image is named, for related information. */
  range?: SourceRange;
}

/** The builder as the Dockerfile states it, refined by an image probe when there is one. */
export function builtWith(builder: BuilderDescription | undefined, probe?: ImageProbeResult): BuiltWith {
  const image = probe?.image ?? builder?.image;
  return {
    label: image ? `the build image ${image}` : 'the build image',
    os: probe?.os ?? builder?.os,
    otp: probe?.otp ?? builder?.otp,
    libc: probe?.libc,
    libcrypto: probe?.libcrypto,
    range: builder?.range,
  };
}

export interface HostProbeInput {
  /** e.g. `web1.example.com:22`. */
  host: string;
  /** Where deploy.yml declares the host. */
  range: SourceRange;
  result: HostProbeResult;
  built: BuiltWith;
}

/**
 * `host-os-mismatch` (error): the host's OS, glibc or libcrypto cannot run what the image builds.
 * `otp-major-change` (info): the deploy would move production to another OTP major.
 */
export function hostProbeFindings({ host, range, result, built }: HostProbeInput): Finding[] {
  const findings: Finding[] = [];
  const related = built.range ? [{ ...built.range, message: `The release is built by ${built.label}` }] : undefined;
  const reasons = incompatibilities(result, built);
  if (reasons.length > 0) {
    findings.push({ ...range, severity: 'error', code: 'host-os-mismatch', message: `Host ${host}: ${reasons.join('; ')}`, ...(related && { related }) });
  }
  const builtMajor = built.otp ? majorOf(built.otp) : undefined;
  const current = result.current;
  if (current?.otpMajor && builtMajor && current.otpMajor !== builtMajor) {
    findings.push({
      ...range, severity: 'info', code: 'otp-major-change',
      message: `Host ${host} runs OTP ${current.otpMajor} (erts-${current.erts}${current.version ? `, release ${current.version}` : ''}); this deploy would switch it to OTP ${builtMajor}`,
      ...(related && { related }),
    });
  }
  return findings;
}

function incompatibilities(host: HostProbeResult, built: BuiltWith): string[] {
  const reasons: string[] = [];
  if (compareOs(host.os, built.os) === 'different' && host.os && built.os) {
    reasons.push(`it runs ${formatOs(host.os)}, but the release is built on ${formatOs(built.os)}`);
  }
  if (host.libc && built.libc) {
    if (host.libc.kind !== built.libc.kind) {
      reasons.push(`it has ${host.libc.kind}, but the release is built against ${built.libc.kind}`);
    } else if (host.libc.kind === 'glibc' && olderThan(host.libc.version, built.libc.version)) {
      reasons.push(`its glibc ${host.libc.version} is older than the build image's ${built.libc.version}, which the release's ERTS needs`);
    }
  }
  const needed = built.libcrypto ?? [];
  if (needed.length > 0 && !needed.some((soname) => host.libcrypto.includes(soname))) {
    reasons.push(`it has no ${needed.join(' or ')} (it has ${host.libcrypto.join(', ') || 'no libcrypto'}), which the crypto application needs`);
  }
  return reasons;
}

function olderThan(a: string, b: string): boolean {
  const x = semver.coerce(a);
  const y = semver.coerce(b);
  return x !== null && y !== null && semver.lt(x, y);
}
