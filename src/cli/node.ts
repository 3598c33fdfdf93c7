import type { CliContext } from './context';
import { CliUsageError } from './context';
import { remoteOptions } from './deploy';
import { stopSignal } from './signals';

/**
 * `console`: IEx on the live node of one host (the primary by default), in a terminal over SSH.
 * The local terminal goes raw, so every key (Ctrl-C included) reaches IEx, not this process.
 */
export async function runConsoleCommand(ctx: CliContext): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) throw new CliUsageError('console needs a terminal (stdin and stdout must be a TTY)');
  const { options, env } = await remoteOptions(ctx);
  const { pickTargets } = await import('../core/ssh/pickTargets');
  const [target] = pickTargets(options.targets, { host: ctx.host }, 'primary', env.name);
  const { openConsole } = await import('../core/node');
  const size = () => ({ rows: process.stdout.rows || 24, cols: process.stdout.columns || 80 });
  ctx.stderr(`IEx on the live node of ${target.key} (${env.name}). Ctrl-C goes to IEx; leave with Ctrl-\\ or Ctrl-C then a. ` +
    'Never System.halt() or :init.stop() here: they stop the app.\n');
  const session = await openConsole(options, target, size(), (d) => process.stdout.write(d), new AbortController().signal);
  const onResize = () => session.resize(size());
  const onInput = (d: Buffer) => session.write(d);
  process.stdin.setRawMode(true);
  process.stdin.on('data', onInput);
  process.stdin.resume();
  process.stdout.on('resize', onResize);
  try {
    return await session.exited;
  } finally {
    process.stdout.off('resize', onResize);
    process.stdin.off('data', onInput);
    process.stdin.setRawMode(false);
    process.stdin.pause();
  }
}

/** `rpc EXPR`: evaluated on the live node of the primary (or --host H, or --all hosts); each host's output under its name. */
export async function runRpcCommand(ctx: CliContext): Promise<number> {
  const [expression] = ctx.args;
  if (expression.trim() === '') throw new CliUsageError('rpc needs an expression, e.g. rpc \'IO.puts(Application.spec(:my_app, :vsn))\'');
  const { options, env } = await remoteOptions(ctx);
  const { pickTargets } = await import('../core/ssh/pickTargets');
  const targets = pickTargets(options.targets, { host: ctx.host, all: ctx.all }, 'primary', env.name);
  const { runRpc } = await import('../core/node');
  const results = await runRpc(options, expression, targets, stopSignal());
  if (ctx.json) {
    ctx.stdout(`${JSON.stringify({ hosts: results }, null, 2)}\n`);
  } else {
    for (const r of results) {
      ctx.stdout(`==> ${r.host}${r.ok ? '' : ` (failed: ${r.error})`} <==\n${r.stdout}${r.stdout && !r.stdout.endsWith('\n') ? '\n' : ''}`);
      if (r.stderr) ctx.stderr(`${r.host}: ${r.stderr.replace(/\n(?=.)/g, `\n${r.host}: `)}${r.stderr.endsWith('\n') ? '' : '\n'}`);
    }
  }
  return results.every((r) => r.ok) ? 0 : 1;
}
