/**
 * A failed image build as the user can act on it: the Dockerfile line, what failed and the
 * daemon's own words, with the output's last lines; never a stack trace.
 */
import type { ImageBuildError } from '../docker/image';
import { UserError } from '../errors';
import type { DockerStage, ParsedDockerfile } from '../versions/dockerfile';
import { stageStep, summary } from './stagePlan';

export interface FailureContext {
  parsed: ParsedDockerfile;
  target: DockerStage;
  /** The Dockerfile's path as the user knows it. */
  file: string;
  /** E.g. `Docker 20.10.24 (API 1.41)`. */
  engine: string;
}

/** Syntax the Dockerfile frontend built into Docker 20.10 does not know (it needs Dockerfile syntax 1.4). */
const NEWER_SYNTAX: Array<{ what: string; find: (parsed: ParsedDockerfile, line: number) => number | undefined }> = [
  { what: 'a heredoc (<<EOF)', find: (parsed, line) => parsed.buildKitFeatures.find((f) => f.feature === 'heredoc' && f.range.line <= line)?.range.line },
  {
    what: 'COPY --link',
    find: (parsed, line) => parsed.stages.flatMap((s) => s.instructions)
      .find((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && i.range.line === line && /(^|\s)--link\b/.test(i.args.value))?.range.line,
  },
];

export function explainBuildFailure(error: ImageBuildError, context: FailureContext): UserError {
  const { parsed, file, engine } = context;
  const daemon = error.daemonMessage.trim();
  const parseError = /dockerfile parse error line (\d+): (.*)/i.exec(daemon);
  if (parseError) {
    const reported = Number(parseError[1]);
    for (const syntax of NEWER_SYNTAX) {
      const line = syntax.find(parsed, reported);
      if (line === undefined) continue;
      return new UserError(`${file}:${line}: ${syntax.what} is not supported by the Dockerfile frontend built into ${engine}. ` +
        `The daemon said: ${daemon}. Write the instruction without it, or build with a Docker engine whose built-in ` +
        'frontend knows Dockerfile syntax 1.4 (Docker 23.0 or later).', { file, line });
    }
    return new UserError(`${file}:${reported}: ${daemon}`, { file, line: reported });
  }
  const located = failedInstruction(error, context);
  const tail = (error.failedVertex?.tail.length ? error.failedVertex.tail : error.tail).join('\n');
  const output = tail ? `\nLast output:\n${tail}` : '';
  if (located) {
    return new UserError(`${file}:${located.line}: \`${located.text}\` failed while Docker built stage ${located.stage}: ` +
      `${error.failedVertex?.error ?? daemon}${output}`, { file, line: located.line });
  }
  return new UserError(`docker build of ${file} (target ${context.target.name ?? context.target.index}) failed: ${daemon}${output}`, { file });
}

/** The instruction a failure belongs to: BuildKit's vertex `[builder 9/13] ...`, or the legacy builder's last `Step N/M : ...`. */
function failedInstruction(error: ImageBuildError, context: FailureContext): { line: number; text: string; stage: string } | undefined {
  const { parsed, target } = context;
  const vertex = error.failedVertex?.name;
  const label = vertex ? /^\[(?:(\S+)\s+)?(\d+)\/(\d+)\]/.exec(vertex) : null;
  if (label) {
    const name = label[1]?.toLowerCase();
    const stage = name === undefined ? target
      : parsed.stages.find((s) => s.name === name || `stage-${s.index}` === name) ?? target;
    const step = stageStep(stage, Number(label[2]));
    if (step) return { ...step, stage: stage.name ?? `#${stage.index}` };
  }
  const stepLine = [...error.tail].reverse().map((l) => /^Step \d+\/\d+ : (.*)$/.exec(l)?.[1]).find((t) => t !== undefined);
  if (stepLine) {
    const wanted = stepLine.replace(/\s+/g, ' ').trim();
    for (const stage of parsed.stages) {
      const instruction = stage.instructions.find((i) => summary(i) === wanted);
      if (instruction) return { line: instruction.range.line, text: wanted, stage: stage.name ?? `#${stage.index}` };
    }
  }
  return undefined;
}
