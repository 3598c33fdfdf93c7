import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { CliContext } from './context';
import { CliUsageError } from './context';
import { confirm } from './confirm';

/** `init`: writes config/deploy.yml for a phx.gen.release project (never over an existing one), then says what is left, in order. */
export async function runInitCommand(ctx: CliContext): Promise<number> {
  const { readInitFacts, renderInit } = await import('../core/scaffold/init');
  const facts = await readInitFacts(ctx.cwd);
  const target = path.join(ctx.cwd, 'config', 'deploy.yml');
  if (facts.hasConfig) {
    ctx.stderr(`${target} already exists; init leaves it as it is (edit it, or move it away and run init again)\n`);
    return 1;
  }
  let result;
  try {
    result = renderInit(facts, { env: ctx.env, hosts: ctx.hosts, domain: ctx.domain });
  } catch (e) {
    throw new CliUsageError((e as Error).message);
  }
  for (const w of result.warnings) ctx.stderr(`warning: ${w}\n`);
  if (!(await confirm(ctx, `Write ${target}:\n\n${result.text}`, `Write ${path.relative(ctx.cwd, target)}?`))) return 1;
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, result.text, { flag: 'wx' }); // never over a file that appeared meanwhile
  ctx.stdout(`wrote ${path.relative(ctx.cwd, target)}\n\nNext, in order:\n${result.nextSteps.map((s, i) => `  ${i + 1}. ${s}`).join('\n')}\n`);
  return 0;
}
