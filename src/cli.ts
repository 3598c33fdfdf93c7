import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { runCheckCommand } from './cli/check';
import { CliUsageError, type CliContext } from './cli/context';

const USAGE = `Usage:
  phoenix-deploy check    [--cwd DIR] [--env NAME] [--probe] [--json]
  phoenix-deploy build    [--cwd DIR] [--force] [--json]
  phoenix-deploy deploy   [--cwd DIR] [--env NAME] [--dry-run] [--yes] [--json]
  phoenix-deploy rollback [--cwd DIR] [--env NAME] [--to RELEASE_ID] [--yes] [--json]
  phoenix-deploy releases [--cwd DIR] [--env NAME] [--json]
  phoenix-deploy unlock   [--cwd DIR] [--env NAME] [--yes]
  phoenix-deploy setup    [--cwd DIR] [--env NAME] [--admin USER] [--dry-run] [--yes] [--force] [--json]
  phoenix-deploy logs     [--cwd DIR] [--env NAME] [--host H] [--lines N] [--since 10m] [--follow] [--json]
  phoenix-deploy console  [--cwd DIR] [--env NAME] [--host H]
  phoenix-deploy rpc EXPR [--cwd DIR] [--env NAME] [--host H | --all] [--json]
  phoenix-deploy env list [--cwd DIR] [--env NAME] [--show] [--json]
  phoenix-deploy env set KEY=VALUE… | set KEY (value from stdin) | set KEY --generate | unset KEY… | push FILE
                          [--cwd DIR] [--env NAME] [--restart] [--dry-run] [--yes] [--json]
  phoenix-deploy init     [--cwd DIR] [--env NAME] [--host H]… [--domain D] [--yes]

Exit codes: 0 success, 1 failed check or deploy, 2 usage or config error.`;

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

/**
 * Each command names the flags it accepts, so a stray flag is a usage error, not silently ignored;
 * `args` says how many words may follow it (none by default).
 */
const COMMANDS: Record<string, { flags: string[]; args?: [number, number]; load: () => Promise<Handler> }> = {
  check: { flags: ['cwd', 'env', 'probe', 'json'], load: async () => runCheckCommand },
  build: { flags: ['cwd', 'json', 'force'], load: async () => (await import('./cli/build')).runBuildCommand },
  deploy: { flags: ['cwd', 'env', 'dry-run', 'yes', 'json'], load: async () => (await import('./cli/deploy')).runDeployCommand },
  rollback: { flags: ['cwd', 'env', 'to', 'yes', 'json'], load: async () => (await import('./cli/deploy')).runRollbackCommand },
  releases: { flags: ['cwd', 'env', 'json'], load: async () => (await import('./cli/deploy')).runReleasesCommand },
  unlock: { flags: ['cwd', 'env', 'yes'], load: async () => (await import('./cli/deploy')).runUnlockCommand },
  setup: { flags: ['cwd', 'env', 'admin', 'dry-run', 'yes', 'force', 'json'], load: async () => (await import('./cli/setup')).runSetupCommand },
  logs: { flags: ['cwd', 'env', 'host', 'lines', 'since', 'follow', 'json'], load: async () => (await import('./cli/logs')).runLogsCommand },
  console: { flags: ['cwd', 'env', 'host'], load: async () => (await import('./cli/node')).runConsoleCommand },
  rpc: { flags: ['cwd', 'env', 'host', 'all', 'json'], args: [1, 1], load: async () => (await import('./cli/node')).runRpcCommand },
  env: { flags: ['cwd', 'env', 'show', 'restart', 'dry-run', 'yes', 'json', 'generate'], args: [1, Infinity], load: async () => (await import('./cli/env')).runEnvCommand },
  init: { flags: ['cwd', 'env', 'host', 'domain', 'yes'], load: async () => (await import('./cli/init')).runInitCommand },
};

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
  const stray = Object.keys(parsed.values).filter((k) => k !== 'help' && !command.flags.includes(k));
  const [least, most] = command.args ?? [0, 0];
  if (stray.length > 0 || rest.length > most) {
    const what = stray.length > 0 ? `--${stray[0]}` : `"${rest[most]}"`;
    process.stderr.write(`phoenix-deploy ${name}: unexpected ${what}\n\n${USAGE}\n`);
    return 2;
  }
  if (rest.length < least) {
    process.stderr.write(`phoenix-deploy ${name}: missing ${name === 'rpc' ? 'the expression to evaluate' : 'what to do (list, set, unset or push)'}\n\n${USAGE}\n`);
    return 2;
  }
  const v = parsed.values;
  if ((v.host?.length ?? 0) > 1 && name !== 'init') {
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
