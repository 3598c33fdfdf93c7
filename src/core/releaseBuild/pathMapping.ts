/**
 * Compile errors from the build container name container paths (`/app/lib/foo.ex:12`). These
 * helpers map them back to the developer's project, for terminals and the Problems panel.
 */
export interface PathMapping {
  /** The project's directory inside the container, e.g. `/app`. */
  containerDir: string;
  /** What to put instead: the project's absolute path, or '' for project-relative paths. */
  projectDir: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Rewrites every `<containerDir>/<path>` in `text` (at a word start) to the project's path. */
export function mapContainerPaths(text: string, mapping: PathMapping): string {
  const from = mapping.containerDir.replace(/\/+$/, '');
  const to = mapping.projectDir.replace(/[\\/]+$/, '');
  const pattern = new RegExp(`(^|[\\s"'(\\[=])${escapeRegExp(from)}/(?=[^\\s/])`, 'gm');
  return text.replace(pattern, (_, before: string) => (to ? `${before}${to}/` : before));
}

export interface CompileDiagnostic {
  /** Project-relative (or absolute, if mapped so) path. */
  file: string;
  line: number;
  column?: number;
  severity: 'error' | 'warning';
  message: string;
}

// `** (CompileError) lib/foo.ex:12: message` and `error: message` + `  lib/foo.ex:12:3` (newer Elixir).
const ERROR_LINE = /^\*\* \((\w+(?:\.\w+)*)\) ([^\s:][^:\n]*\.(?:exs?|heex|eex)):(\d+)(?::(\d+))?:\s*(.*)$/;
const LOCATION_LINE = /^\s*(?:└─\s*)?([^\s:][^:\n]*\.(?:exs?|heex|eex)):(\d+)(?::(\d+))?(?::.*)?$/;
const HEADER_LINE = /^(warning|error): (.*)$/;

/**
 * Finds compile errors and warnings in mix output (after mapping paths). Only locations inside the
 * project are reported; Elixir's own frames such as `(elixir 1.14.0) lib/kernel/...` are skipped.
 */
export function parseCompileDiagnostics(output: string, mapping: PathMapping): CompileDiagnostic[] {
  // BuildKit's progress prefixes each output line with its step (`#12 ` or `#12 0.513 `).
  const lines = mapContainerPaths(output, mapping).split(/\r?\n/).map((line) => line.replace(/^#\d+ (?:\d+\.\d+ )?/, ''));
  const found: CompileDiagnostic[] = [];
  let pending: { severity: 'error' | 'warning'; message: string } | undefined;
  for (const line of lines) {
    const error = ERROR_LINE.exec(line);
    if (error) {
      found.push({ file: error[2], line: Number(error[3]), column: error[4] ? Number(error[4]) : undefined, severity: 'error', message: `(${error[1]}) ${error[5]}` });
      pending = undefined;
      continue;
    }
    const header = HEADER_LINE.exec(line);
    if (header) {
      pending = { severity: header[1] as 'error' | 'warning', message: header[2] };
      continue;
    }
    const location = pending && !line.trimStart().startsWith('(') ? LOCATION_LINE.exec(line) : null;
    if (pending && location) {
      found.push({ file: location[1], line: Number(location[2]), column: location[3] ? Number(location[3]) : undefined, ...pending });
      pending = undefined;
    } else if (pending && line.trim() === '') {
      pending = undefined;
    }
  }
  return found;
}
