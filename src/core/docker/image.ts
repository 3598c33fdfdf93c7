import { CancelledError, UserError } from '../plan/types';
import type { Docker } from './client';
import { listContextFiles, packFiles, readDockerignore } from './context';

export interface BuildStageOptions {
  /** Directory sent as the build context (the isolated checkout, never the project). */
  contextDir: string;
  /** Dockerfile path relative to contextDir, POSIX separators. */
  dockerfile: string;
  target: string;
  tag: string;
  labels: Record<string, string>;
  signal: AbortSignal;
  output: (text: string) => void;
}

interface BuildEvent {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/** Builds one stage with the Engine API (legacy builder), streaming its progress; returns the image id. */
export async function buildStageImage(docker: Docker, options: BuildStageOptions): Promise<string> {
  const { contextDir, dockerfile, target, tag, labels, signal, output } = options;
  const patterns = await readDockerignore(contextDir);
  // Docker always sends the Dockerfile and .dockerignore, even when .dockerignore lists them.
  const files = await listContextFiles(contextDir, patterns, [dockerfile, '.dockerignore']);
  output(`Sending build context: ${files.length} files (.dockerignore applied)\n`);
  const stream = await docker.buildImage(packFiles(contextDir, files), {
    dockerfile, target, t: tag, labels, rm: true, forcerm: true, pull: false, abortSignal: signal,
  } as Parameters<Docker['buildImage']>[1]);
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
      const text = event.stream ?? (event.status ? `${event.status}\n` : '');
      if (text) {
        output(text);
        lines.push(...text.split('\n').filter(Boolean));
      }
      if (event.aux?.ID) imageId = event.aux.ID;
      if (event.error || event.errorDetail) failure = event.errorDetail?.message ?? event.error;
    });
  });
  if (failure) {
    const tail = lines.slice(-20).join('\n');
    throw new UserError(`docker build of ${dockerfile} (target ${target}) failed: ${failure}${tail ? `\nLast output:\n${tail}` : ''}`,
      { file: dockerfile });
  }
  return imageId ?? (await docker.getImage(tag).inspect()).Id;
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
