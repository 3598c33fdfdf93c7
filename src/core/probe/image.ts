import { PassThrough } from 'node:stream';
import type Dockerode from 'dockerode';
import { op, renderCommand, type Command } from '../shell';
import { checkProject, type CheckFinding, type CheckOptions, type ImageContents, type ProjectFiles } from '../versions/check';
import { parseOsRelease, type OsReleaseFile } from '../versions/osRelease';
import { parseLibc, parseSonames, type LibcInfo } from './libs';

/**
 * Reads the real versions inside a local build image: runs a short-lived container from it
 * (no network, auto-removed). Never pulls or builds: a missing image is an error for the caller.
 */
export interface ImageProbeResult extends ImageContents {
  /** Full OTP version from `releases/<major>/OTP_VERSION`, e.g. 25.2.3. */
  otp?: string;
  erts?: string;
  elixir?: string;
  /** The OTP major Elixir itself was compiled with (`elixir --version`). */
  elixirCompiledWithOtp?: string;
  osRelease?: OsReleaseFile;
  libc?: LibcInfo;
  /** libcrypto sonames present, e.g. `libcrypto.so.3`: the crypto NIF links against one. */
  libcrypto: string[];
}

export type ImageProbeFailure = 'image-missing' | 'docker-unavailable' | 'timeout' | 'failed';

export class ImageProbeError extends Error {
  constructor(message: string, readonly reason: ImageProbeFailure) {
    super(message);
    this.name = 'ImageProbeError';
  }
}

export interface ImageProbeOptions {
  /** A connected client; by default one for DOCKER_HOST or the local socket. */
  docker?: Dockerode;
  timeoutMs?: number;
}

// One erl start prints both: ERTS from the VM, the full OTP version from the install's release file.
const ERL_EXPRESSION = [
  'io:format("erts ~s~n",[erlang:system_info(version)]),',
  'case file:read_file(filename:join([code:root_dir(),"releases",erlang:system_info(otp_release),"OTP_VERSION"])) of',
  ' {ok,V} -> io:format("otp ~s~n",[string:trim(V)]); _ -> ok end,',
  'halt().',
].join('');

export const IMAGE_PROBE_COMMAND: Command = [
  'echo', '@@erl', op.then, 'erl', '-noshell', '-eval', ERL_EXPRESSION, op.then,
  'echo', '@@elixir', op.then, 'elixir', '--version', op.then,
  'echo', '@@os-release', op.then, 'cat', '/etc/os-release', op.then,
  'echo', '@@libc', op.then, 'ldd', '--version', op.mergeStderr, op.then,
  'echo', '@@libcrypto', op.then, 'find', '/lib', '/usr/lib', '/usr/local/lib', '-maxdepth', '3', '-name', 'libcrypto.so.*', op.dropStderr,
];

export async function probeImage(image: string, options: ImageProbeOptions = {}): Promise<ImageProbeResult> {
  const docker = options.docker ?? new (await import('dockerode')).default();
  await ensureLocal(docker, image);
  const { stdout, stderr, code } = await runOnce(docker, image, options.timeoutMs ?? 60_000);
  const result = parseImageProbeOutput(image, stdout);
  if (result.otp === undefined && result.elixir === undefined && result.os === undefined) {
    throw new ImageProbeError(`the probe of ${image} printed nothing usable (exit ${code}): ${firstLines(stderr)}`, 'failed');
  }
  return result;
}

/** Findings of the static check with the probed versions standing in for the builder's tag. */
export function imageProbeFindings(files: ProjectFiles, probe: ImageProbeResult, options: CheckOptions = {}): CheckFinding[] {
  return checkProject(files, { ...options, image: probe });
}

export function parseImageProbeOutput(image: string, stdout: string): ImageProbeResult {
  const sections = splitSections(stdout);
  const erl = sections.get('erl') ?? '';
  const elixir = /Elixir (\d\S*)(?: \(compiled with Erlang\/OTP (\d+)\))?/.exec(sections.get('elixir') ?? '');
  const osRelease = sections.has('os-release') ? parseOsRelease(sections.get('os-release')!) : undefined;
  return {
    image,
    otp: /^otp (\d[\d.]*)\s*$/m.exec(erl)?.[1],
    erts: /^erts (\d[\d.]*)\s*$/m.exec(erl)?.[1],
    elixir: elixir?.[1],
    elixirCompiledWithOtp: elixir?.[2],
    os: osRelease?.os,
    osRelease,
    libc: parseLibc(sections.get('libc') ?? ''),
    libcrypto: parseSonames(sections.get('libcrypto') ?? '', 'libcrypto'),
  };
}

/** `ldd --version`: glibc prints `ldd (Debian GLIBC 2.36-9) 2.36`; musl prints `musl libc` and `Version 1.2.4`. */
/** Output split at `@@name` marker lines. */
export function splitSections(stdout: string): Map<string, string> {
  const sections = new Map<string, string>();
  let current: string | undefined;
  let lines: string[] = [];
  const flush = () => {
    if (current !== undefined) sections.set(current, lines.join('\n'));
  };
  for (const line of stdout.replace(/\r/g, '').split('\n')) {
    const marker = /^@@([a-z-]+)$/.exec(line);
    if (marker) {
      flush();
      current = marker[1];
      lines = [];
    } else {
      lines.push(line);
    }
  }
  flush();
  return sections;
}

async function ensureLocal(docker: Dockerode, image: string): Promise<void> {
  try {
    await docker.getImage(image).inspect();
  } catch (error) {
    const status = (error as { statusCode?: number }).statusCode;
    if (status === 404) {
      throw new ImageProbeError(`the image ${image} is not present locally; build it first (the probe never pulls or builds)`, 'image-missing');
    }
    throw new ImageProbeError(`cannot reach Docker: ${(error as Error).message}`, 'docker-unavailable');
  }
}

async function runOnce(docker: Dockerode, image: string, timeoutMs: number): Promise<{ stdout: string; stderr: string; code: number }> {
  const container = await docker.createContainer({
    Image: image,
    Entrypoint: ['sh', '-c', renderCommand(IMAGE_PROBE_COMMAND)],
    Cmd: [],
    NetworkDisabled: true,
    Labels: { 'phoenix-deploy.probe': 'image' },
    HostConfig: { NetworkMode: 'none', AutoRemove: true },
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = await container.attach({ stream: true, stdout: true, stderr: true });
  const out = collect();
  const err = collect();
  docker.modem.demuxStream(stream, out.sink, err.sink);
  const ended = new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
  // Subscribe before start (with AutoRemove it may be gone before a later wait), and wait for the
  // removal itself, as `docker run --rm` does, so that nothing is left when the probe returns.
  const exited = container.wait({ condition: 'removed' }) as Promise<{ StatusCode: number }>;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    container.kill().catch(() => undefined);
  }, timeoutMs);
  exited.catch(() => undefined); // observed below; avoids an unhandled rejection if start fails
  try {
    try {
      await container.start();
    } catch (error) {
      // A container that never started is not auto-removed.
      await container.remove({ force: true }).catch(() => undefined);
      throw new ImageProbeError(`cannot start a container from ${image}: ${(error as Error).message}`, 'failed');
    }
    const { StatusCode } = await exited;
    await settleWithin(ended, 2_000); // output normally ends with the exit; never hang on it
    if (timedOut) throw new ImageProbeError(`the probe of ${image} took longer than ${timeoutMs} ms`, 'timeout');
    return { stdout: out.text(), stderr: err.text(), code: StatusCode };
  } finally {
    clearTimeout(timer);
  }
}

async function settleWithin(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); })]);
  clearTimeout(timer);
}

function collect(): { sink: PassThrough; text: () => string } {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { sink, text: () => Buffer.concat(chunks).toString('utf8') };
}

function firstLines(text: string): string {
  return text.trim().split('\n').slice(0, 3).join(' / ') || 'no error output';
}
