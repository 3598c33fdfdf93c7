import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { CliContext } from './context';
import { CliUsageError } from './context';
import { confirm } from './confirm';
import { emitTo, remoteOptions } from './deploy';
import { interruptSignal } from './signals';
import { readSecret } from './secretInput';
import type { EnvEdit, EnvListing } from '../core/env';

const MASK = '********';

/** `env list | set | unset | push`: shared/env on every host. Values go to the hosts and, with `list --show`, to stdout; nowhere else. */
export async function runEnvCommand(ctx: CliContext): Promise<number> {
  const [action, ...words] = ctx.args;
  if (action === 'list') return list(ctx, words);
  if (action === 'set' || action === 'unset' || action === 'push') return change(ctx, await editFor(ctx, action, words));
  throw new CliUsageError(`env ${JSON.stringify(action)}: expected list, set, unset or push`);
}

async function list(ctx: CliContext, words: string[]): Promise<number> {
  if (words.length > 0) throw new CliUsageError(`env list takes no arguments (got "${words[0]}")`);
  if (ctx.show && ctx.json) throw new CliUsageError('--show cannot be combined with --json: values never go into JSON output');
  if (ctx.restart || ctx.dryRun || ctx.yes) throw new CliUsageError('env list only reads: --restart, --dry-run and --yes are for set, unset and push');
  const { options } = await remoteOptions(ctx);
  const { listEnv } = await import('../core/env');
  const listing = await listEnv(options, { values: ctx.show });
  if (ctx.json) ctx.stdout(`${JSON.stringify({ hosts: listing.hosts, keys: listing.keys }, null, 2)}\n`);
  else ctx.stdout(ctx.show ? await withValues(listing) : masked(listing));
  for (const h of listing.hosts) {
    if (!h.ok) ctx.stderr(`${h.host}: unreachable: ${h.error}\n`);
    else if (!h.exists) ctx.stderr(`${h.host}: no shared/env yet (env set creates it, mode 0600)\n`);
    else if (h.mode && h.mode !== '600') ctx.stderr(`${h.host}: shared/env has mode ${h.mode}, so other users on the host may read it; the next env set writes it with mode 600\n`);
  }
  return listing.hosts.every((h) => h.ok) ? 0 : 1;
}

function masked(listing: EnvListing): string {
  const reachable = listing.hosts.filter((h) => h.ok).length;
  const width = Math.max(3, ...listing.keys.map((k) => k.key.length));
  const rows = listing.keys.map((k) => {
    const where = k.hosts.length === reachable ? 'all hosts' : k.hosts.join(', ');
    return `${k.key.padEnd(width)}  ${k.empty ? '(empty) ' : MASK}  ${where}${k.same ? '' : ', differs between hosts'}`;
  });
  return rows.length > 0 ? `${rows.join('\n')}\n` : 'no keys set\n';
}

async function withValues(listing: EnvListing): Promise<string> {
  const { formatAssignment } = await import('../core/env/envFile');
  return Object.entries(listing.values ?? {}).map(([host, values]) =>
    `==> ${host} <==\n${Object.entries(values).map(([k, v]) => `${formatAssignment(k, v)}\n`).join('')}`).join('');
}

async function editFor(ctx: CliContext, action: 'set' | 'unset' | 'push', words: string[]): Promise<EnvEdit> {
  const { checkKey, parseDotenv } = await import('../core/env');
  const valid = (key: string) => {
    try {
      checkKey(key);
    } catch (e) {
      throw new CliUsageError((e as Error).message);
    }
    return key;
  };
  if (words.length === 0) throw new CliUsageError(`env ${action} needs ${action === 'push' ? 'a dotenv FILE' : action === 'set' ? 'KEY=VALUE (or KEY, to read the value from stdin)' : 'the KEYs to remove'}`);
  if (ctx.generate && action !== 'set') throw new CliUsageError('--generate is for env set');
  if (action === 'unset') return { set: new Map(), unset: words.map(valid) };
  if (action === 'push') {
    if (words.length > 1) throw new CliUsageError('env push takes one FILE');
    const file = path.resolve(words[0]);
    const text = await readFile(file, 'utf8').catch((e: Error) => { throw new CliUsageError(`cannot read ${file}: ${e.message}`); });
    const { values, problems } = parseDotenv(text);
    if (problems.length > 0) throw new CliUsageError(`${file}: ${problems.join('; ')}`);
    if (values.size === 0) throw new CliUsageError(`${file} assigns no keys`);
    const { isTrackedByGit } = await import('../core/git/tracked');
    if (await isTrackedByGit(file)) ctx.stderr(`warning: ${file} is tracked by git, so its secrets are in the repository's history; add it to .gitignore (and rotate what it holds)\n`);
    return { set: values, unset: [] };
  }
  const set = new Map<string, string>();
  const fromStdin = words.filter((w) => !w.includes('='));
  if (ctx.generate) {
    if (fromStdin.length === 0) throw new CliUsageError('--generate needs the KEY to generate (e.g. env set SECRET_KEY_BASE --generate)');
    const { generateSecret } = await import('../core/env');
    for (const word of words) {
      const eq = word.indexOf('=');
      set.set(valid(eq < 0 ? word : word.slice(0, eq)), eq < 0 ? generateSecret() : word.slice(eq + 1));
    }
    return { set, unset: [] };
  }
  if (fromStdin.length > 1) throw new CliUsageError(`only one KEY can take its value from stdin (got ${fromStdin.join(', ')})`);
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq < 0) continue;
    set.set(valid(word.slice(0, eq)), word.slice(eq + 1));
  }
  if (fromStdin.length === 1) set.set(valid(fromStdin[0]), await readSecret(`value for ${fromStdin[0]} (not echoed): `, ctx.stderr));
  return { set, unset: [] };
}

async function change(ctx: CliContext, edit: EnvEdit): Promise<number> {
  if (ctx.show) throw new CliUsageError('--show is for env list');
  const { options, env } = await remoteOptions(ctx);
  const core = await import('../core/env');
  const envOptions = {
    ...options, edit, restart: ctx.restart,
    confirm: () => confirm(ctx, `${env.name}: ${options.targets.length} host(s), changes above`, `Apply to ${env.name}'s shared/env${ctx.restart ? ' and restart' : ''}?`),
  };
  if (ctx.dryRun) {
    ctx.stdout(`${core.describeEnvChange(envOptions)}\n`);
    return 0;
  }
  const result = await core.runEnvChange(envOptions, emitTo(ctx), interruptSignal(ctx.stderr));
  if (ctx.json) ctx.stdout(`${JSON.stringify(result, null, 2)}\n`);
  for (const h of result.hosts) ctx.stderr(`${h.host}: ${h.written ? `written (${core.describeChanges(h.changes)})` : `not written${h.changes.length ? ` (${core.describeChanges(h.changes)})` : ''}`}\n`);
  if (result.ok && result.changed && !result.restarted) ctx.stderr('The app reads shared/env when it starts: the change applies on the next deploy (or run again with --restart).\n');
  return result.ok ? 0 : 1;
}
