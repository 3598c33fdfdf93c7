import { createInterface } from 'node:readline/promises';
import { CliUsageError, type CliContext } from './context';

/** Asks on the terminal; without a terminal, --yes is required (CI must say so explicitly). */
export async function confirm(ctx: CliContext, summary: string, question: string): Promise<boolean> {
  ctx.stderr(`${summary}\n`);
  if (ctx.yes) return true;
  if (!process.stdin.isTTY) throw new CliUsageError(`${question} needs confirmation: pass --yes when there is no terminal`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}
