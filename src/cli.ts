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
  help: { type: 'boolean', short: 'h' },
} as const;

type Handler = (ctx: CliContext) => Promise<number>;

/** Each command names the flags it accepts, so a stray flag is a usage error, not silently ignored. */
const COMMANDS: Record<string, { flags: string[]; load: () => Promise<Handler> }> = {
  check: { flags: ['cwd', 'env', 'probe', 'json'], load: async () => runCheckCommand },
  build: { flags: ['cwd', 'json', 'force'], load: async () => (await import('./cli/build')).runBuildCommand },
  deploy: { flags: ['cwd', 'env', 'dry-run', 'yes', 'json'], load: async () => (await import('./cli/deploy')).runDeployCommand },
  rollback: { flags: ['cwd', 'env', 'to', 'yes', 'json'], load: async () => (await import('./cli/deploy')).runRollbackCommand },
  releases: { flags: ['cwd', 'env', 'json'], load: async () => (await import('./cli/deploy')).runReleasesCommand },
  unlock: { flags: ['cwd', 'env', 'yes'], load: async () => (await import('./cli/deploy')).runUnlockCommand },
  setup: { flags: ['cwd', 'env', 'admin', 'dry-run', 'yes', 'force', 'json'], load: async () => (await import('./cli/setup')).runSetupCommand },
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
  if (stray.length > 0 || rest.length > 0) {
    const what = stray.length > 0 ? `--${stray[0]}` : `"${rest[0]}"`;
    process.stderr.write(`phoenix-deploy ${name}: unexpected ${what}\n\n${USAGE}\n`);
    return 2;
  }
  const v = parsed.values;
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
