import semver from 'semver';
import type { Finding, SourceRange } from '../findings';
import { op, renderCommand, type Command } from '../shell';
import { majorOf, otpMajorForErts } from '../versions/compare';
import { compareOs, formatOs, parseOsRelease, type OsInfo, type OsReleaseFile } from '../versions/osRelease';
import type { BuilderDescription } from '../versions/check';
import { parseLibc, parseSonames, splitSections, type ImageProbeResult, type LibcInfo } from './image';

/**
 * What a deploy host runs, read in one SSH round trip: its OS, libc, OpenSSL libraries and the
 * ERTS of the `current` release. Connecting (and reporting unreachable hosts) is the caller's job.
 */
export interface RemoteExec {
  exec(command: string): Promise<{ code: number; stdout: string; stderr: string }>;
}

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

/** The single remote command; every part may fail on its own without hiding the others. */
export function hostProbeCommand(deployTo: string): string {
  const command: Command = [
    'echo', '@@os-release', op.then, 'cat', '/etc/os-release', op.dropStderr, op.then,
    'echo', '@@libc', op.then, 'ldd', '--version', op.mergeStderr, op.then,
    'echo', '@@libs', op.then,
    'find', '/lib', '/usr/lib', '/lib64', '/usr/lib64', '/usr/local/lib', '-maxdepth', '3',
    '-name', 'libssl.so.*', '-o', '-name', 'libcrypto.so.*', op.dropStderr, op.then,
    'echo', '@@start-erl', op.then, 'cat', `${deployTo.replace(/\/+$/, '')}/current/releases/start_erl.data`, op.dropStderr, op.then,
    'echo', '@@end',
  ];
  return renderCommand(command);
}

export async function probeHost(remote: RemoteExec, deployTo: string): Promise<HostProbeResult> {
  const { code, stdout, stderr } = await remote.exec(hostProbeCommand(deployTo));
  if (!stdout.includes('@@end')) {
    throw new Error(`the host probe did not complete (exit ${code}): ${stderr.trim().split('\n')[0] || 'no output'}`);
  }
  return parseHostProbeOutput(stdout);
}

export function parseHostProbeOutput(stdout: string): HostProbeResult {
  const sections = splitSections(stdout);
  const osRelease = sections.get('os-release')?.trim() ? parseOsRelease(sections.get('os-release')!) : undefined;
  const libs = sections.get('libs') ?? '';
  return {
    os: osRelease?.os,
    osRelease,
    libc: parseLibc(sections.get('libc') ?? ''),
    libssl: parseSonames(libs, 'libssl'),
    libcrypto: parseSonames(libs, 'libcrypto'),
    current: parseStartErl(sections.get('start-erl') ?? ''),
  };
}

/** `releases/start_erl.data` is `<erts version> <release version>`. */
export function parseStartErl(text: string): CurrentRelease | undefined {
  const match = /^\s*(\d+(?:\.\d+)*)(?:\s+(\S+))?/.exec(text);
  if (!match) return undefined;
  return { erts: match[1], version: match[2], otpMajor: otpMajorForErts(match[1]) };
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
