/**
 * The compatibility gate: `ldd` on the new release's native code, on the host itself. A library
 * that is `not found`, or a symbol version the host's libraries lack (`GLIBC_2.34' not found`),
 * means the release would crash there, so the deploy stops before the switch.
 */
import { join, op, type Command } from '../shell';
import type { RemotePaths } from './paths';

export interface CompatProblem {
  /** Path inside the release, e.g. `erts-13.1.5/bin/beam.smp`. */
  file: string;
  /** The library missing, or the one lacking `version`. */
  library: string;
  /** The missing symbol version, e.g. `GLIBC_2.34`. */
  version?: string;
}

/** ERTS executables and every NIF/port .so under priv/, from inside the release dir. */
export function lddCommand(paths: RemotePaths, id: string): Command {
  return join(op.and,
    ['cd', '--', paths.release(id)],
    ['find', '.', '(', '-path', './erts-*/bin/*', '-o', '-path', '*/priv/*', '-name', '*.so', ')', '-type', 'f', '-exec', 'ldd', '{}', '+'],
  );
}

const VERSION_LINE = /^(.+?): (\S+): version `([^']+)' not found \(required by (.+)\)\s*$/;
const MISSING_LINE = /^\s+(\S+) => not found\s*$/;
const HEADER_LINE = /^(\S.*):\s*$/;

const clean = (file: string) => file.replace(/^\.\//, '');
const base = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Parses ldd output (stdout and stderr, any order). Lines it does not know are ignored. */
export function parseLddOutput(text: string): CompatProblem[] {
  const problems: CompatProblem[] = [];
  const seen = new Set<string>();
  const add = (p: CompatProblem) => {
    const key = `${p.file}\0${p.library}\0${p.version ?? ''}`;
    if (!seen.has(key)) {
      seen.add(key);
      problems.push(p);
    }
  };
  let current = '';
  for (const line of text.split(/\r?\n/)) {
    const version = VERSION_LINE.exec(line);
    if (version) {
      add({ file: clean(version[4]), library: base(version[2]), version: version[3] });
      continue;
    }
    const missing = MISSING_LINE.exec(line);
    if (missing) {
      add({ file: clean(current || '?'), library: missing[1] });
      continue;
    }
    const header = HEADER_LINE.exec(line);
    if (header && !line.includes(' => ')) current = header[1];
  }
  return problems;
}

/** One readable paragraph naming host, files and libraries (first few, then a count). */
export function describeCompatProblems(host: string, problems: readonly CompatProblem[], limit = 6): string {
  const lines = problems.slice(0, limit).map((p) =>
    p.version ? `${p.file} needs ${p.version} from ${p.library}, which ${host} lacks` : `${p.file} needs ${p.library}, which is not installed on ${host}`);
  const more = problems.length > limit ? `; and ${problems.length - limit} more` : '';
  return `release cannot run on ${host}: ${lines.join('; ')}${more}. ` +
    'Build on the same OS release as the host (match the builder image to the host), or install the missing libraries.';
}
