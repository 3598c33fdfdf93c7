/**
 * How the release must run on a managed host, read from the project: the start command its
 * generator means (`bin/server`), PHX_SERVER when the runtime config gates the server on it, and
 * the Dockerfile final stage's packages, locales and ENV. Pure: `read.ts` does the I/O.
 */
import type { SourceRange } from '../findings';
import type { FinalStageSpec } from './finalStage';

export interface RuntimeVariable {
  name: string;
  value: string;
  /** Where it comes from, for --dry-run and the unit's comment. */
  from: SourceRange;
}

export interface ReleaseRuntime {
  /** `rel/overlays/bin/server` exists: the release has `bin/server`, and the units run it. */
  serverScript: boolean;
  /** config/runtime.exs turns the server on only under PHX_SERVER (the `System.get_env` token). */
  serverGate?: SourceRange;
  /** Set in the units before shared/env (which wins): the final stage's ENV, then PHX_SERVER=true when gated. */
  environment: RuntimeVariable[];
  /** Debian packages the final stage installs. */
  packages: string[];
  /** Locales the final stage generates. */
  locales: string[];
  /** The Dockerfile's final stage, when it has one. */
  finalStage?: FinalStageSpec;
}

export const SERVER_OVERLAY = 'rel/overlays/bin/server';

/** Names an EnvironmentFile can hold without quoting surprises. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function releaseRuntime(input: { serverScript: boolean; serverGate?: SourceRange; finalStage?: FinalStageSpec }): ReleaseRuntime {
  const { serverScript, serverGate, finalStage } = input;
  const environment: RuntimeVariable[] = [];
  for (const { value: [name, value], range } of finalStage?.env ?? []) {
    if (!NAME.test(name) || /[\n\r\0]/.test(value)) continue;
    const at = environment.findIndex((v) => v.name === name);
    if (at >= 0) environment.splice(at, 1);
    environment.push({ name, value, from: { file: finalStage!.file, ...range } });
  }
  if (serverGate && !serverScript) {
    const at = environment.findIndex((v) => v.name === 'PHX_SERVER');
    if (at >= 0) environment.splice(at, 1);
    environment.push({ name: 'PHX_SERVER', value: 'true', from: serverGate });
  }
  return {
    serverScript,
    serverGate,
    environment,
    packages: finalStage?.packages.map((p) => p.value) ?? [],
    locales: finalStage?.locales.map((l) => l.value) ?? [],
    finalStage,
  };
}

/** Where a fact came from, as `file:line`. */
export const at = (range: SourceRange) => `${range.file}:${range.line}`;
