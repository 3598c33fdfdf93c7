import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { runCheckCommand } from './cli/check';
import { CliUsageError, type CliContext } from './cli/context';
import { flagNames, usageText, type CommandForm } from './cli/usage';

const OPTIONS = {
  cwd: { type: 'string' },
  env: { type: 'string' },
  probe: { type: 'boolean' },
  json: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  force: { type: 'boolean' },
  to: { type: 'string' },
  admin: { type: 'string' },
  host: { type: 'string', multiple: true },
  domain: { type: 'string' },
  generate: { type: 'boolean' },
  all: { type: 'boolean' },
  lines: { type: 'string', short: 'n' },
  since: { type: 'string' },
  follow: { type: 'boolean', short: 'f' },
  show: { type: 'boolean' },
  restart: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

type Handler = (ctx: CliContext) => Promise<number>;

interface CommandEntry {
  /** The ways to call it, each shown in --help; the flags of all of them are accepted. */
  forms: CommandForm[];
  /** How many words may follow the command (none by default), and what is missing when there are too few. */
  args?: [number, number];
  missing?: string;
  load(): Promise<Handler>;
}

/**
 * Each command names the flags it accepts, so a stray flag is a usage error, not silently ignored.
 * `--help` is generated from this table, in its order.
 */
const COMMANDS: Record<string, CommandEntry> = {
  check: { forms: [{ flags: ['cwd', 'env', 'probe', 'json'] }], load: async () => runCheckCommand },
  build: { forms: [{ flags: ['cwd', 'force', 'json'] }], load: async () => (await import('./cli/build')).runBuildCommand },
  deploy: { forms: [{ flags: ['cwd', 'env', 'dry-run', 'yes', 'json'] }], load: async () => (await import('./cli/deploy')).runDeployCommand },
  rollback: { forms: [{ flags: ['cwd', 'env', 'to', 'yes', 'json'] }], load: async () => (await import('./cli/deploy')).runRollbackCommand },
  releases: { forms: [{ flags: ['cwd', 'env', 'json'] }], load: async () => (await import('./cli/deploy')).runReleasesCommand },
  unlock: { forms: [{ flags: ['cwd', 'env', 'yes'] }], load: async () => (await import('./cli/deploy')).runUnlockCommand },
  setup: { forms: [{ flags: ['cwd', 'env', 'admin', 'dry-run', 'yes', 'force', 'json'] }], load: async () => (await import('./cli/setup')).runSetupCommand },
  logs: { forms: [{ flags: ['cwd', 'env', 'host', 'lines', 'since', 'follow', 'json'] }], load: async () => (await import('./cli/logs')).runLogsCommand },
  console: { forms: [{ flags: ['cwd', 'env', 'host'] }], load: async () => (await import('./cli/node')).runConsoleCommand },
  rpc: { forms: [{ words: 'EXPR', flags: ['cwd', 'env', 'host|all', 'json'] }], args: [1, 1], missing: 'the expression to evaluate', load: async () => (await import('./cli/node')).runRpcCommand },
  env: {
    forms: [
      { words: 'list', flags: ['cwd', 'env', 'show', 'json'] },
      { words: 'set KEY=VALUE… | set KEY (value from stdin) | set KEY --generate | unset KEY… | push FILE', flags: ['cwd', 'env', 'restart', 'dry-run', 'yes', 'json'] },
    ],
    args: [1, Infinity], missing: 'what to do (list, set, unset or push)', load: async () => (await import('./cli/env')).runEnvCommand,
  },
  init: { forms: [{ flags: ['cwd', 'env', 'host…', 'domain', 'yes'] }], load: async () => (await import('./cli/init')).runInitCommand },
};

/** `--help`: every command of the table, each form on its line. */
export const USAGE = usageText(Object.entries(COMMANDS).map(([name, c]) => ({ name, forms: c.forms })));

/** The flags a command accepts: those of any of its forms (`env set --generate` is named in the form's words). */
function acceptedFlags(command: CommandEntry): Set<string> {
  return new Set([...command.forms.flatMap((f) => flagNames(f.flags)), ...command.forms.flatMap((f) => [...(f.words ?? '').matchAll(/--([a-z-]+)/g)].map((m) => m[1]))]);
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    process.stderr.write(`phoenix-deploy: ${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const [name, ...rest] = parsed.positionals;
  if (parsed.values.help || !name) {
    process.stdout.write(`${USAGE}\n`);
    return name || parsed.values.help ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`phoenix-deploy: unknown command "${name}"\n\n${USAGE}\n`);
    return 2;
  }
  const accepted = acceptedFlags(command);
  const stray = Object.keys(parsed.values).filter((k) => k !== 'help' && !accepted.has(k));
  const [least, most] = command.args ?? [0, 0];
  if (stray.length > 0 || rest.length > most) {
    const what = stray.length > 0 ? `--${stray[0]}` : `"${rest[most]}"`;
    process.stderr.write(`phoenix-deploy ${name}: unexpected ${what}\n\n${USAGE}\n`);
    return 2;
  }
  if (rest.length < least) {
    process.stderr.write(`phoenix-deploy ${name}: missing ${command.missing ?? 'words'}\n\n${USAGE}\n`);
    return 2;
  }
  const v = parsed.values;
  if ((v.host?.length ?? 0) > 1 && !command.forms.some((f) => f.flags.includes('host…'))) {
    process.stderr.write(`phoenix-deploy ${name}: --host takes one host (init takes several)\n\n${USAGE}\n`);
    return 2;
  }
  const ctx: CliContext = {
    cwd: path.resolve(v.cwd ?? process.cwd()),
    env: v.env ?? 'production',
    json: v.json ?? false,
    probe: v.probe ?? false,
    dryRun: v['dry-run'] ?? false,
    yes: v.yes ?? false,
    force: v.force ?? false,
    to: v.to,
    admin: v.admin,
    host: v.host?.[0],
    hosts: v.host ?? [],
    domain: v.domain,
    generate: v.generate ?? false,
    all: v.all ?? false,
    lines: v.lines,
    since: v.since,
    follow: v.follow ?? false,
    show: v.show ?? false,
    restart: v.restart ?? false,
    args: rest,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  };
  try {
    const handler = await command.load();
    return await handler(ctx);
  } catch (e) {
    const usage = e instanceof CliUsageError || (e as Error).name === 'UserError';
    ctx.stderr(`phoenix-deploy ${name}: ${(e as Error).message}\n`);
    return usage ? 2 : 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
