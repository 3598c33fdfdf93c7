import type Dockerode from 'dockerode';
import { PassThrough } from 'node:stream';
import { CancelledError } from '../errors';
import type { Docker } from './client';

export type Container = Dockerode.Container;

export interface VolumeMount {
  volume: string;
  /** Absolute path inside the container. */
  target: string;
}

export interface IdleContainerSpec {
  image: string;
  labels: Record<string, string>;
  env: string[];
  workdir: string;
  volumes: VolumeMount[];
  /** `none` keeps the build offline. */
  network: string;
}

/**
 * Starts a container that only waits, so each build command can be run (and its exit code read)
 * as a separate exec and files can be copied in and out before it is removed.
 */
export async function startIdleContainer(docker: Docker, spec: IdleContainerSpec, onCreated: (c: Container) => void): Promise<Container> {
  const container = await docker.createContainer({
    Image: spec.image,
    Cmd: ['tail', '-f', '/dev/null'],
    Entrypoint: [],
    Env: spec.env,
    WorkingDir: spec.workdir,
    Labels: spec.labels,
    HostConfig: {
      NetworkMode: spec.network,
      // NoCopy false: a new volume is seeded from the image's files at that path.
      Mounts: spec.volumes.map((v) => ({
        Type: 'volume' as const, Source: v.volume, Target: v.target,
        VolumeOptions: { NoCopy: false, Labels: spec.labels, DriverConfig: { Name: 'local', Options: {} } },
      })),
    },
  });
  // Hand the container over before starting it, so cleanup finds it whatever happens next.
  onCreated(container);
  await container.start();
  return container;
}

export interface ExecResult {
  exitCode: number;
  /** The last lines of combined output, for error messages. */
  tail: string[];
}

/** Runs argv in the container, streaming output; cancellation kills the container. */
export async function execIn(container: Container, argv: string[], options: { signal: AbortSignal; output: (text: string) => void; env?: string[]; workdir?: string; user?: string }): Promise<ExecResult> {
  const { signal, output } = options;
  if (signal.aborted) throw new CancelledError();
  const exec = await container.exec({ Cmd: argv, Env: options.env, WorkingDir: options.workdir, User: options.user || undefined, AttachStdout: true, AttachStderr: true, Tty: false });
  const stream = await exec.start({ hijack: true, stdin: false });
  const tail: string[] = [];
  const sink = new PassThrough();
  sink.setEncoding('utf8');
  sink.on('data', (text: string) => {
    output(text);
    tail.push(...text.split('\n').filter((l) => l.trim() !== ''));
    if (tail.length > 200) tail.splice(0, tail.length - 200);
  });
  container.modem.demuxStream(stream, sink, sink);
  const onAbort = () => void container.kill().catch(() => undefined);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await new Promise<void>((resolve, reject) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', reject);
    });
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  if (signal.aborted) throw new CancelledError();
  const info = await exec.inspect();
  return { exitCode: info.ExitCode ?? -1, tail: tail.slice(-20) };
}

/** Copies a tar stream into `dir` inside the container. */
export async function putTar(container: Container, tar: NodeJS.ReadableStream, dir: string): Promise<void> {
  await container.putArchive(tar, { path: dir });
}

/** A tar stream of `containerPath` (its last component is the top entry). */
export function getTar(container: Container, containerPath: string): Promise<NodeJS.ReadableStream> {
  return container.getArchive({ path: containerPath });
}

/** Force-removes a container (killing it); already gone is fine. */
export async function removeContainer(container: Container): Promise<void> {
  try {
    await container.remove({ force: true, v: false });
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode !== 404) throw e;
  }
}

/** Removes every container carrying all `labels`, e.g. ones left by a crashed build. Returns how many. */
export async function removeContainersByLabel(docker: Docker, labels: Record<string, string>): Promise<number> {
  const filters = { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) };
  const found = await docker.listContainers({ all: true, filters });
  for (const info of found) await removeContainer(docker.getContainer(info.Id));
  return found.length;
}

/** Removes the volumes carrying all `labels` that `superseded` picks; one still in use is left alone. Returns the names removed. */
export async function removeVolumesByLabel(docker: Docker, labels: Record<string, string>, superseded: (name: string) => boolean): Promise<string[]> {
  const filters = { label: Object.entries(labels).map(([k, v]) => `${k}=${v}`) };
  const removed: string[] = [];
  for (const volume of (await docker.listVolumes({ filters })).Volumes ?? []) {
    if (!superseded(volume.Name)) continue;
    try {
      await docker.getVolume(volume.Name).remove();
      removed.push(volume.Name);
    } catch (e) {
      if (![404, 409].includes((e as { statusCode?: number }).statusCode ?? 0)) throw e;
    }
  }
  return removed;
}
