/**
 * How the build-environment stage is built, so that the app compiles once per build:
 * - `environment`: the stage never copies the app's source; the engine copies the checkout into a
 *   container from it and runs `mix deps.get` and the release itself, with deps/_build in volumes.
 * - `replay`: the stage is built by Docker only up to the instruction that first copies the app's
 *   source (the dependency layers stay cached); the rest of the stage is replayed in a container
 *   whose `_build` is a volume kept from the previous build, so `mix compile` is incremental.
 * - `whole-stage`: Docker builds the whole stage and the release is taken from the image. Chosen
 *   when the stage uses `RUN --mount=type=cache` (BuildKit then keeps `_build` itself) or has an
 *   instruction a container cannot replay exactly.
 */
import * as posix from 'node:path/posix';
import { runsMixRelease, type DockerInstruction, type DockerStage, type ParsedDockerfile } from '../versions/dockerfile';
import { splitDockerfileWords } from '../versions/dockerfileWords';
import { jsonArray, matchSource, splitCopyWords, type CopyWords } from './dockerCopy';
import { StageScope } from './dockerScope';

export interface ReplayInstruction {
  instruction: DockerInstruction;
  /** As BuildKit labels it, e.g. `[builder 9/13] COPY lib lib`. */
  label: string;
}

export type StagePlan =
  | { mode: 'environment'; reason: string }
  | { mode: 'whole-stage'; reason: string; releases: boolean }
  | {
    mode: 'replay';
    reason: string;
    /** The instruction that first copies the app's source: Docker builds everything before it. */
    split: DockerInstruction;
    /** The Dockerfile cut just before `split` (same lines, so messages keep their line numbers). */
    prefixText: string;
    tail: ReplayInstruction[];
    releases: boolean;
  };

export interface StagePlanInput {
  parsed: ParsedDockerfile;
  stage: DockerStage;
  /** The context's files after .dockerignore. */
  files: readonly string[];
  /** The Dockerfile's path in the context. */
  dockerfile: string;
  /** Build the whole stage even where a replay would work (to measure or compare both). */
  wholeStage?: boolean;
}

/** Instructions that BuildKit counts as steps of a stage (FROM is step 1). */
const STEP_KEYWORDS = new Set(['COPY', 'ADD', 'RUN', 'WORKDIR']);
/** Instructions that only set image metadata: nothing to replay. */
const METADATA_KEYWORDS = new Set(['LABEL', 'EXPOSE', 'CMD', 'ENTRYPOINT', 'STOPSIGNAL', 'HEALTHCHECK', 'MAINTAINER']);
const CACHE_MOUNT = /(?:^|\s)--mount=(?:\S*,)?type=cache(?:[,\s]|$)/;
const REPLAYED_KEYWORDS = new Set(['COPY', 'RUN', 'ENV', 'ARG', 'WORKDIR', 'USER', 'SHELL']);

export function planStage(input: StagePlanInput): StagePlan {
  const { parsed, stage } = input;
  const chain = stageChain(parsed, stage);
  const stageName = stage.name ?? `stage-${stage.index}`;
  const releases = (stages: DockerStage[]) => stages.some((s) => s.runs.some(runsMixRelease));
  const whole = (reason: string): StagePlan => ({ mode: 'whole-stage', reason, releases: releases(chain) });

  for (const ancestor of chain.slice(0, -1)) {
    const copy = findSourceCopy(parsed, ancestor, input.files);
    if (copy) return whole(`the app's source is copied in stage ${ancestor.name ?? ancestor.index} (line ${copy.instruction.range.line}), before stage ${stageName}`);
  }
  const found = findSourceCopy(parsed, stage, input.files);
  if (!found) {
    return { mode: 'environment', reason: `stage ${stageName} does not copy the app's source, so it is the build environment` };
  }
  if (found.unresolved) return whole(found.unresolved);
  const split = found.instruction;
  const cacheMount = chain.flatMap((s) => s.instructions).find((i) => i.keyword === 'RUN' && CACHE_MOUNT.test(i.args.value));
  if (cacheMount) return whole(`RUN --mount=type=cache (line ${cacheMount.range.line}) keeps the build cache in BuildKit, which compiles incrementally itself`);
  if (split.keyword !== 'COPY') return whole(`the source is copied by ${split.keyword} (line ${split.range.line}); only COPY is replayed`);

  const splitIndex = stage.instructions.indexOf(split);
  const tailInstructions = stage.instructions.slice(splitIndex);
  const unsupported = tailInstructions.map(replayProblem).find((p) => p !== undefined);
  if (unsupported) return whole(unsupported);
  const readsDockerfile = dockerfileCopiedBefore(parsed, stage, split, input.dockerfile, input.files);
  if (readsDockerfile) return whole(`COPY at line ${readsDockerfile.range.line} copies ${input.dockerfile} itself, so the stage cannot be cut short`);
  if (input.wholeStage) return whole('asked to build the whole stage');

  const labels = stepLabels(stage);
  return {
    mode: 'replay',
    reason: `stage ${stageName} copies the app's source at line ${split.range.line}: the layers before it are built by Docker, the rest is replayed on the cached _build`,
    split,
    prefixText: parsed.lines.text.slice(0, split.start),
    tail: tailInstructions.map((instruction) => ({ instruction, label: labels.get(instruction) ?? `[${stageName}] ${summary(instruction)}` })),
    releases: releases([stage]) && tailInstructions.some((i) => i.keyword === 'RUN' && runsMixRelease({ text: i.args.value, range: i.range })),
  };
}

/** The stage and the earlier stages it is built `FROM`, oldest first. */
export function stageChain(parsed: ParsedDockerfile, stage: DockerStage): DockerStage[] {
  const chain = [stage];
  const seen = new Set([stage.index]);
  for (let s = stage; s.baseStage !== undefined && !seen.has(s.baseStage);) {
    s = parsed.stages[s.baseStage];
    seen.add(s.index);
    chain.unshift(s);
  }
  return chain;
}

/** One line of an instruction as written, for labels and messages. */
export function summary(instruction: DockerInstruction): string {
  const text = `${instruction.keyword} ${instruction.args.value.split('\n')[0].replace(/\s+/g, ' ')}`.trim();
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** Step `n` of a stage as BuildKit counts them (FROM is 1): its line and text. */
export function stageStep(stage: DockerStage, n: number): { line: number; text: string } | undefined {
  if (n === 1) return { line: stage.fromRange.line, text: `FROM ${stage.imageText}` };
  const instruction = stage.instructions.filter((i) => STEP_KEYWORDS.has(i.keyword))[n - 2];
  return instruction ? { line: instruction.range.line, text: summary(instruction) } : undefined;
}

/** BuildKit's step labels: `[builder 9/13] COPY lib lib`, FROM being step 1. */
function stepLabels(stage: DockerStage): Map<DockerInstruction, string> {
  const steps = stage.instructions.filter((i) => STEP_KEYWORDS.has(i.keyword));
  const name = stage.name ?? `stage-${stage.index}`;
  return new Map(steps.map((i, n) => [i, `[${name} ${n + 2}/${steps.length + 1}] ${summary(i)}`]));
}

interface SourceCopy {
  instruction: DockerInstruction;
  /** Set when the sources could not be worked out (a variable only the image could set). */
  unresolved?: string;
}

/** The first COPY/ADD of the stage whose context files include Elixir source (`.ex`). */
function findSourceCopy(parsed: ParsedDockerfile, stage: DockerStage, files: readonly string[]): SourceCopy | undefined {
  let result: SourceCopy | undefined;
  walkStage(parsed, stage, (instruction, scope) => {
    if (result || (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD')) return;
    const copy = copyWords(instruction, parsed.escape, scope);
    if (!copy.words || copy.words.flags.some((f) => f.startsWith('--from'))) return;
    // A variable the Dockerfile does not set may come from the base image: where the source lands is then unknown.
    if (copy.missing.size > 0) {
      result = { instruction, unresolved: `cannot tell which files ${instruction.keyword} at line ${instruction.range.line} copies ($${[...copy.missing][0]} is not set in the Dockerfile)` };
    } else if (copy.words.sources.flatMap((s) => matchSource(s, files)).some((m) => m.file.endsWith('.ex'))) {
      result = { instruction };
    }
  });
  return result;
}

/** Runs `visit` on each instruction with the variables in effect at it (ARGs and the Dockerfile's ENVs). */
function walkStage(parsed: ParsedDockerfile, stage: DockerStage, visit: (i: DockerInstruction, scope: StageScope) => void): void {
  const scope = new StageScope();
  for (const ancestor of stageChain(parsed, stage).slice(0, -1)) {
    for (const i of ancestor.instructions) if (i.keyword === 'ENV') scope.applyEnv(i, parsed.escape);
  }
  for (const instruction of stage.instructions) {
    visit(instruction, scope);
    if (instruction.keyword === 'ENV') scope.applyEnv(instruction, parsed.escape);
    if (instruction.keyword === 'ARG') for (const arg of argsOf(stage, instruction)) scope.declareArg(arg);
  }
}

/** The ARGs an ARG instruction declares, as the parser read them. */
export function argsOf(stage: DockerStage, instruction: DockerInstruction) {
  return stage.args.filter((a) => a.range.line >= instruction.range.line && a.range.line <= instruction.range.endLine);
}

/** A COPY/ADD's words after variable expansion, and the variables that were not set. */
export function copyWords(instruction: DockerInstruction, escape: string, scope: StageScope): { words?: CopyWords; missing: Set<string> } {
  const missing = new Set<string>();
  const raw = splitDockerfileWords(instruction.args, escape);
  let n = 0;
  while (n < raw.length && raw[n].value.startsWith('--')) n++;
  const flags = raw.slice(0, n).map((w) => scope.expandWord(w, escape, missing));
  const restAt = n < raw.length ? instruction.args.origins.indexOf(raw[n].origins[0]) : instruction.args.value.length;
  const json = jsonArray(instruction.args.value.slice(restAt));
  const words = json ?? raw.slice(n).map((w) => scope.expandWord(w, escape, missing));
  return { words: splitCopyWords([...flags, ...words]), missing };
}

/** Why an instruction after the split cannot be replayed in a container, if it cannot. */
function replayProblem(instruction: DockerInstruction): string | undefined {
  const at = `${instruction.keyword} at line ${instruction.range.line}`;
  if (METADATA_KEYWORDS.has(instruction.keyword)) return undefined;
  if (!REPLAYED_KEYWORDS.has(instruction.keyword)) return `${at} is not replayed in a container`;
  if ((instruction.keyword === 'COPY' || instruction.keyword === 'RUN') && instruction.args.value.startsWith('--')) {
    return `${instruction.keyword} ${instruction.args.value.split(/\s/)[0]} (line ${instruction.range.line}) is not replayed in a container`;
  }
  if (instruction.keyword === 'RUN' && /<<-?\s*["']?[A-Za-z_]/.test(instruction.args.value)) return `RUN with a heredoc (line ${instruction.range.line}) is not replayed in a container`;
  return undefined;
}

/** A COPY/ADD before the split that takes the Dockerfile itself, which is sent cut short. */
function dockerfileCopiedBefore(parsed: ParsedDockerfile, target: DockerStage, split: DockerInstruction, dockerfile: string, files: readonly string[]): DockerInstruction | undefined {
  const dockerfilePath = posix.normalize(dockerfile);
  for (const stage of parsed.stages.filter((s) => s.index <= target.index)) {
    let found: DockerInstruction | undefined;
    walkStage(parsed, stage, (instruction, scope) => {
      if (found || instruction.start >= split.start || (instruction.keyword !== 'COPY' && instruction.keyword !== 'ADD')) return;
      const { words } = copyWords(instruction, parsed.escape, scope);
      if (!words || words.flags.some((f) => f.startsWith('--from'))) return;
      if (words.sources.some((s) => matchSource(s, files).some((m) => m.file === dockerfilePath))) found = instruction;
    });
    if (found) return found;
  }
  return undefined;
}
