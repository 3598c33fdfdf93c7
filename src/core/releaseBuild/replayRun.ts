import { execIn, putTar, type Container } from '../docker/container';
import { packFiles } from '../docker/context';
import { type StepContext } from '../plan/types';
import { UserError } from '../errors';
import type { CopiedFile } from './dockerCopy';
import { mapContainerPaths } from './pathMapping';
import type { ReplayCommand, ReplayProgram } from './replay';

export interface ReplayRun {
  container: Container;
  program: ReplayProgram;
  /** The build context on this machine (the checkout's project directory). */
  contextDir: string;
  dockerfile: string;
  network?: string;
  /** `origin/main at abc1234`, for messages. */
  where: string;
}

// Removes every release a previous build left in the kept _build: a stage built from scratch has none.
const CLEAR_RELEASES = 'for dir in "$1"/*/rel; do [ -d "$dir" ] && rm -rf "$dir"; done; exit 0';
const IS_DIRECTORY = '[ -d "$1" ]';

/**
 * Runs the replayed instructions in order, printing each like BuildKit does (`#R2 [builder 10/13]
 * RUN mix compile` … `#R2 DONE 1.3s`); a failing RUN is an error at its Dockerfile line.
 */
export async function runReplay(ctx: StepContext, run: ReplayRun): Promise<void> {
  const { container, program } = run;
  const exec = (argv: string[]) => execIn(container, argv, { signal: ctx.signal, output: () => undefined });
  await exec(['sh', '-c', CLEAR_RELEASES, 'sh', program.buildDir]);
  let n = 0;
  for (const command of program.commands) {
    const id = `#R${++n}`;
    ctx.output(`${id} ${command.label}\n`);
    const started = Date.now();
    if (command.kind === 'copy') {
      const files = command.singleFileDest && (await exec(['sh', '-c', IS_DIRECTORY, 'sh', command.singleFileDest])).exitCode === 0
        ? command.files.map((f) => ({ ...f, target: `${command.singleFileDest}/${f.file.split('/').pop()}` }))
        : command.files;
      for (const batch of uniqueBatches(files)) {
        const targets = new Map(batch.map((f) => [f.file, f.target.replace(/^\/+/, '')]));
        await putTar(container, packFiles(run.contextDir, batch.map((f) => f.file), { rename: (file) => targets.get(file) ?? file }), '/');
      }
      ctx.output(`${id} ${files.length} file${files.length === 1 ? '' : 's'}\n`);
    } else if (command.kind === 'workdir') {
      await checked(ctx, run, command, ['mkdir', '-p', command.dir], '/', '');
    } else {
      await checked(ctx, run, command, command.argv, command.workdir, command.user, command.env, (text) => ctx.output(text));
    }
    ctx.output(`${id} DONE ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  }
}

async function checked(ctx: StepContext, run: ReplayRun, command: ReplayCommand, argv: string[], workdir: string, user: string, env?: string[], output: (t: string) => void = () => undefined): Promise<void> {
  const result = await execIn(run.container, argv, { signal: ctx.signal, output, workdir, user, env });
  if (result.exitCode === 0) return;
  const tail = mapContainerPaths(result.tail.join('\n'), { containerDir: workdir, projectDir: '' });
  const offline = run.network ? '' : '\nThe replayed instructions run without network (build.network is unset); if this one downloads ' +
    'something, set build.network: bridge in config/deploy.yml.';
  const instruction = command.label.replace(/^\[[^\]]*\] /, '');
  throw new UserError(`${run.dockerfile}:${command.line}: \`${instruction}\` failed with exit code ${result.exitCode} in the build container ` +
    `(replaying stage instructions on the kept _build; ${run.where}).${offline}\nLast output:\n${tail}`, { file: run.dockerfile, line: command.line });
}

/** A tar names each file once, so a file copied to two places goes in two batches. */
function uniqueBatches(files: CopiedFile[]): CopiedFile[][] {
  const batches: Array<{ seen: Set<string>; files: CopiedFile[] }> = [];
  for (const f of files) {
    let batch = batches.find((b) => !b.seen.has(f.file));
    if (!batch) batches.push(batch = { seen: new Set(), files: [] });
    batch.seen.add(f.file);
    batch.files.push(f);
  }
  return batches.map((b) => b.files);
}
