import type { CliContext } from './context';
import { CliUsageError } from './context';
import { remoteOptions } from './deploy';
import { stopSignal } from './signals';

/** `logs`: every chosen host's log on stdout, merged in time order, each line prefixed with its host. */
export async function runLogsCommand(ctx: CliContext): Promise<number> {
  const lines = ctx.lines === undefined ? undefined : Number(ctx.lines);
  if (lines !== undefined && (!Number.isInteger(lines) || lines < 1 || lines > 100_000)) throw new CliUsageError(`--lines ${JSON.stringify(ctx.lines)} must be a whole number from 1 to 100000`);
  const logs = await import('../core/logs');
  if (ctx.since !== undefined) {
    try {
      logs.checkSince(ctx.since);
    } catch (e) {
      throw new CliUsageError((e as Error).message);
    }
  }
  const { options, env } = await remoteOptions(ctx);
  const { pickTargets } = await import('../core/ssh/pickTargets');
  const targets = pickTargets(options.targets, { host: ctx.host }, 'all', env.name);
  const width = Math.max(...targets.map((t) => t.key.length));
  const results = await logs.readLogs(options, { targets, lines, since: ctx.since, follow: ctx.follow },
    (line) => ctx.stdout(ctx.json ? `${logs.logLineJson(line)}\n` : logs.formatLogLine(line, width)), stopSignal());
  for (const r of results.filter((x) => !x.ok)) ctx.stderr(`${r.host}: ${r.error}\n`);
  return results.every((r) => r.ok) ? 0 : 1;
}
