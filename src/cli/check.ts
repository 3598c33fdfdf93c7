import type { CliContext } from './context';
import { hasErrors, sortFindings, type Finding } from '../core/findings';
import { checkWorkspace } from '../core/check/workspace';

/** Fields of a finding in `check --json`, in the documented order. */
function toJson(f: Finding) {
  return { file: f.file, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, severity: f.severity, code: f.code, message: f.message };
}

export function formatFinding(f: Finding): string {
  return `${f.file}:${f.line}:${f.column}: ${f.severity} [${f.code}] ${f.message}`;
}

export async function runCheckCommand(ctx: CliContext): Promise<number> {
  const log = (line: string) => ctx.stderr(`${line}\n`);
  const probes = ctx.probe ? await (await import('../core/check/probes')).runProbes(ctx.cwd, ctx.env, log) : undefined;
  const findings = sortFindings([
    ...(await checkWorkspace(ctx.cwd, { env: ctx.env, requireConfig: true, image: probes?.image })),
    ...(probes?.findings ?? []),
  ]);
  if (ctx.json) {
    ctx.stdout(`${JSON.stringify({ diagnostics: findings.map(toJson) }, null, 2)}\n`);
  } else {
    for (const f of findings) ctx.stdout(`${formatFinding(f)}\n`);
    const errors = findings.filter((f) => f.severity === 'error').length;
    ctx.stderr(findings.length === 0 ? 'check: no problems found\n' : `check: ${findings.length} finding(s), ${errors} error(s)\n`);
  }
  return hasErrors(findings) ? 1 : 0;
}
