import { CancelledError } from '../errors';
import type { BuilderKind } from './builder';
import { BuildKitProgress, loadStatusDecoder, type FailedVertex } from './buildkitStatus';
import type { Docker } from './client';
import { packFiles } from './context';

export interface BuildStageOptions {
  /** Directory sent as the build context (the isolated checkout, never the project). */
  contextDir: string;
  /** The context's files (.dockerignore already applied), relative POSIX paths. */
  files: string[];
  /** Dockerfile path relative to contextDir, POSIX separators. */
  dockerfile: string;
  /** Sent instead of the Dockerfile's own text (a stage cut short); same path, same line numbers. */
  dockerfileText?: string;
  target: string;
  tag: string;
  labels: Record<string, string>;
  builder: BuilderKind;
  /** build.network: the network the stage's RUN steps use (`docker build --network`); absent: Docker's default. */
  network?: string;
  signal: AbortSignal;
  output: (text: string) => void;
}

interface BuildEvent {
  id?: string;
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: string | { ID?: string };
}

/** A build the daemon refused or that failed in an instruction; the step turns it into a UserError with the line. */
export class ImageBuildError extends Error {
  constructor(readonly daemonMessage: string, readonly builder: BuilderKind, readonly failedVertex?: FailedVertex, readonly tail: string[] = []) {
    super(daemonMessage);
    this.name = 'ImageBuildError';
  }
}

const BUILDKIT_TRACE = 'moby.buildkit.trace';

/**
 * Builds one stage through the Engine API and returns the image id. BuildKit (`/build?version=2`,
 * a tar context, no session: nothing is read from this machine but the context) streams
 * protobuf progress, rendered as plain lines; the legacy builder streams text.
 */
export async function buildStageImage(docker: Docker, options: BuildStageOptions): Promise<string> {
  const { contextDir, files, dockerfile, dockerfileText, target, tag, labels, builder, signal, output } = options;
  if (signal.aborted) throw new CancelledError();
  const decode = builder === 'buildkit' ? await loadStatusDecoder() : undefined;
  const progress = new BuildKitProgress();
  const context = packFiles(contextDir, files, dockerfileText === undefined ? {} : { replace: new Map([[dockerfile, dockerfileText]]) });
  const query: Record<string, unknown> = { dockerfile, target, t: tag, labels, pull: false };
  if (options.network) query.networkmode = options.network;
  if (builder === 'buildkit') query.version = '2';
  else Object.assign(query, { rm: true, forcerm: true });
  const stream = await new Promise<NodeJS.ReadableStream>((resolve, reject) => {
    docker.modem.dial({
      path: '/build?', method: 'POST', file: context, options: query, isStream: true, abortSignal: signal,
      statusCodes: { 200: true, 400: 'bad parameter', 500: 'server error' },
    }, (err: Error | null, data?: unknown) => (err ? reject(err) : resolve(data as NodeJS.ReadableStream)));
  }).catch((e: unknown) => {
    if (signal.aborted) throw new CancelledError();
    throw new ImageBuildError(daemonText(e), builder);
  });

  const lines: string[] = [];
  let imageId: string | undefined;
  let failure: string | undefined;
  await new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      reject(new CancelledError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    docker.modem.followProgress(stream, (err: Error | null) => {
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) return reject(new CancelledError());
      return err ? reject(err) : resolve();
    }, (event: BuildEvent) => {
      let text = '';
      if (event.id === BUILDKIT_TRACE && typeof event.aux === 'string' && decode) text = progress.render(decode(event.aux));
      else if (event.stream) text = event.stream;
      else if (event.status) text = `${event.status}\n`;
      if (text) {
        output(text);
        lines.push(...text.split('\n').filter(Boolean));
        if (lines.length > 400) lines.splice(0, lines.length - 400);
      }
      if (typeof event.aux === 'object' && event.aux?.ID) imageId = event.aux.ID;
      if (event.error || event.errorDetail) failure = event.errorDetail?.message ?? event.error;
    });
  });
  if (failure) throw new ImageBuildError(failure, builder, progress.failure(), lines.slice(-20));
  return imageId ?? (await docker.getImage(tag).inspect()).Id;
}

/** The daemon's own words from a failed request (docker-modem puts the JSON body in `json`). */
function daemonText(e: unknown): string {
  const error = e as { json?: { message?: string }; message?: string };
  return error.json?.message ?? error.message ?? String(e);
}

/** Whether an image (by name or id) is present in the local engine. */
export async function hasImage(docker: Docker, name: string): Promise<boolean> {
  try {
    await docker.getImage(name).inspect();
    return true;
  } catch {
    return false;
  }
}
