/**
 * The instructions of a stage after its source copy, turned into container operations that do
 * what `docker build` would: COPY puts the same context files at the same paths (modes and mtimes
 * kept), RUN runs the same command with the same shell, environment, directory and user.
 */
import * as posix from 'node:path/posix';
import { UserError } from '../errors';
import type { DockerStage } from '../versions/dockerfile';
import { jsonArray, resolveCopy, type CopiedFile } from './dockerCopy';
import { StageScope } from './dockerScope';
import { argsOf, copyWords, type ReplayInstruction } from './stagePlan';

/** What the replay needs from `docker image inspect` of the image built up to the split. */
export interface ReplayImageConfig {
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
  Shell?: string[] | null;
}

export type ReplayCommand =
  | { kind: 'copy'; label: string; line: number; files: CopiedFile[]; singleFileDest?: string }
  | { kind: 'run'; label: string; line: number; argv: string[]; env: string[]; workdir: string; user: string }
  | { kind: 'workdir'; label: string; line: number; dir: string; user: string };

export interface ReplayProgram {
  commands: ReplayCommand[];
  /** The project's `_build` at the split: the volume kept between builds. */
  buildDir: string;
  /** WORKDIR at the end of the stage (where the release is looked for by default). */
  finalWorkdir: string;
  /** MIX_ENV as the stage ends, if set. */
  mixEnv?: string;
}

export interface ReplayInput {
  stage: DockerStage;
  tail: ReplayInstruction[];
  escape: string;
  image: ReplayImageConfig;
  files: readonly string[];
  /** The Dockerfile's path, for messages. */
  dockerfile: string;
}

const DEFAULT_SHELL = ['/bin/sh', '-c'];

export function interpretTail(input: ReplayInput): ReplayProgram {
  const { stage, tail, escape, image, files, dockerfile } = input;
  const scope = StageScope.fromImageEnv(image.Env);
  const imageEnv = new Map((image.Env ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)] as [string, string]));
  const splitLine = tail[0]?.instruction.range.line ?? Number.POSITIVE_INFINITY;
  for (const arg of stage.args) if (arg.range.line < splitLine) scope.declareArg(arg);
  let workdir = image.WorkingDir || '/';
  let user = image.User ?? '';
  let shell = image.Shell && image.Shell.length > 0 ? image.Shell : DEFAULT_SHELL;
  const buildRoot = scope.get('MIX_BUILD_ROOT');
  const buildDir = buildRoot ? posix.resolve(workdir, buildRoot) : posix.join(workdir, '_build');
  const commands: ReplayCommand[] = [];
  for (const { instruction, label } of tail) {
    const line = instruction.range.line;
    switch (instruction.keyword) {
      case 'ENV':
        scope.applyEnv(instruction, escape);
        break;
      case 'ARG':
        for (const arg of argsOf(stage, instruction)) scope.declareArg(arg);
        break;
      case 'WORKDIR': {
        workdir = posix.resolve(workdir, scope.expandWord({ value: instruction.args.value, origins: instruction.args.origins }, escape));
        commands.push({ kind: 'workdir', label, line, dir: workdir, user });
        break;
      }
      case 'USER':
        user = scope.expandWord(instruction.args, escape);
        break;
      case 'SHELL':
        shell = jsonArray(instruction.args.value) ?? shell;
        break;
      case 'COPY': {
        const { words } = copyWords(instruction, escape, scope);
        if (!words) throw new UserError(`${dockerfile}:${line}: COPY needs a source and a destination`, { file: dockerfile, line });
        const resolved = resolveCopy(words, workdir, files);
        if (resolved.missing.length > 0) {
          throw new UserError(`${dockerfile}:${line}: ${label.replace(/^\[[^\]]*\] /, '')}: "${resolved.missing[0]}" is not in the build context ` +
            '(the commit\'s files after .dockerignore)', { file: dockerfile, line });
        }
        commands.push({ kind: 'copy', label, line, files: resolved.copied, singleFileDest: resolved.singleFileDest });
        break;
      }
      case 'RUN': {
        const argv = jsonArray(instruction.args.value) ?? [...shell, instruction.args.value];
        commands.push({ kind: 'run', label, line, argv, env: scope.runEnv(imageEnv), workdir, user });
        break;
      }
      default:
        break; // metadata only (LABEL, CMD, EXPOSE, ...)
    }
  }
  return { commands, buildDir, finalWorkdir: workdir, mixEnv: scope.get('MIX_ENV') };
}
