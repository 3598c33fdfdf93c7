import type { CliContext } from './context';
import { UserError } from '../core/errors';
import { confirm } from './confirm';
import { emitTo, remoteOptions } from './deploy';
import { interruptSignal } from './signals';

/** `setup`: prepare every host of the environment (directories, units, sudoers, nginx), after showing the changes. */
export async function runSetupCommand(ctx: CliContext): Promise<number> {
  const { options, env } = await remoteOptions(ctx);
  if (!options.app) throw new UserError('setup needs the app name: set "app" in config/deploy.yml (or give mix.exs one release)');
  if (ctx.admin !== undefined && !/^[a-z_][a-z0-9_.-]{0,31}$/.test(ctx.admin)) throw new UserError(`--admin ${JSON.stringify(ctx.admin)} is not a Unix user name`);
  const setup = await import('../core/setup');
  const setupOptions = {
    ...options, app: options.app, admin: ctx.admin, force: ctx.force,
    confirm: (preview: { text: string }) => confirm(ctx, preview.text.trimEnd(), `Apply these changes to ${env.name}?`),
  };
  if (ctx.dryRun) {
    ctx.stdout(`${await setup.describeSetup(setupOptions)}\n`);
    return 0;
  }
  const result = await setup.runSetup(setupOptions, emitTo(ctx), interruptSignal(ctx.stderr));
  if (ctx.json) ctx.stdout(`${JSON.stringify(result, null, 2)}\n`);
  if (result.ok && !result.changed) ctx.stderr(`${env.name}: nothing to change; every host is already set up\n`);
  for (const h of result.hosts) {
    if (result.ok && result.changed) ctx.stderr(`${h.host}: ${h.unchanged ? 'unchanged' : `${h.created.length} created, ${h.updated.length} updated${h.groups.length ? `, joined ${h.groups.join(', ')}` : ''}${h.installed.length ? `, installed ${h.installed.join(' ')}` : ''}${h.localesGenerated.length ? `, generated ${h.localesGenerated.join(' ')}` : ''}`}\n`);
  }
  return result.ok ? 0 : 1;
}
