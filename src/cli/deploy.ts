import type { CliContext } from './context';
import { requireConfig, requireEnvironment } from '../core/project/loadConfig';
import { projectAppName } from '../core/project/appName';
import { renderEvent } from '../core/plan/render';
import type { DeployConfig, EnvironmentConfig } from '../core/config/types';
import type { PlanEvent } from '../core/plan/types';
import type { DeployResult, HostReleases, RemoteOptions } from '../core/deploy';
import { interruptSignal } from './signals';
import { confirm } from './confirm';
import { formatReleases } from './format';
import { prospectiveRelease } from './dryRun';

export async function remoteOptions(ctx: CliContext): Promise<{ options: RemoteOptions; env: EnvironmentConfig; config: DeployConfig }> {
  const config = await requireConfig(ctx.cwd);
  const env = requireEnvironment(config, ctx.env);
  const deploy = await import('../core/deploy');
  const options = await deploy.remoteOptionsFor(env, ctx.cwd, deploy.passphraseFromEnv());
  return { options: { ...options, app: await projectAppName(ctx.cwd, config) }, env, config };
}

const color = () => process.stderr.isTTY === true;
export const emitTo = (ctx: CliContext) => (event: PlanEvent) => ctx.stderr(renderEvent(event, color()));

function finish(ctx: CliContext, result: DeployResult): number {
  if (ctx.json) ctx.stdout(`${JSON.stringify(result, null, 2)}\n`);
  for (const w of result.warnings) ctx.stderr(`warning: ${w}\n`);
  for (const h of result.hosts) {
    const notes = [
      h.bytesSent !== undefined ? `${h.bytesSent} bytes sent` : '',
      h.confirmed ? '' : h.unreachable ? `unconfirmed: ${h.unreachable}` : 'unconfirmed',
      h.lockLeft ? 'deploy lock still held' : '',
    ].filter((n) => n !== '');
    ctx.stderr(`${h.host}: current → ${h.current ?? 'none'}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}\n`);
  }
  if (result.ok && !result.healthChecked) ctx.stderr('not health-checked: no health is configured, so the restart exiting 0 counted as success\n');
  return result.ok ? 0 : 1;
}

/** `deploy`: build (or reuse) the central branch's release, confirm, then run the deploy plan. */
export async function runDeployCommand(ctx: CliContext): Promise<number> {
  const { options, env, config } = await remoteOptions(ctx);
  const deploy = await import('../core/deploy');
  const build = await import('../core/releaseBuild');
  if (ctx.dryRun) {
    const { plan, state } = build.createBuildPlan({ projectDir: ctx.cwd, config });
    const { describePlan } = await import('../core/plan/runner');
    const { release, summary } = await prospectiveRelease(ctx.cwd, config);
    const inventory = env.inventory ? `Hosts: group ${env.inventory.group} of ${env.inventory.file} (ansible-inventory): ${options.targets.map((t) => t.key).join(', ')}\n` : '';
    ctx.stdout(`${describePlan(plan, state)}\n\n${summary}\n${inventory}${deploy.describeDeploy({ ...options, release })}\n`);
    return 0;
  }
  const signal = interruptSignal(ctx.stderr);
  const emit = emitTo(ctx);
  const manifest = await build.runBuild({ projectDir: ctx.cwd, config }, emit, signal);
  const hosts = options.targets.map((t) => t.key).join(', ');
  const summary = `Deploy ${manifest.id} (commit ${manifest.commit.slice(0, 7)} "${manifest.subject}") to ${env.name}: ${hosts}`;
  if (!(await confirm(ctx, summary, `Deploy to ${env.name}?`))) return 1;
  return finish(ctx, await deploy.runDeploy({ ...options, release: manifest }, emit, signal));
}

export async function runRollbackCommand(ctx: CliContext): Promise<number> {
  const { options, env } = await remoteOptions(ctx);
  const deploy = await import('../core/deploy');
  const target = ctx.to ?? 'the release before the current one';
  if (!(await confirm(ctx, `Roll back ${env.name} to ${target}`, `Roll back ${env.name}?`))) return 1;
  return finish(ctx, await deploy.runRollback({ ...options, to: ctx.to }, emitTo(ctx), interruptSignal(ctx.stderr)));
}

export async function runReleasesCommand(ctx: CliContext): Promise<number> {
  const { options } = await remoteOptions(ctx);
  const deploy = await import('../core/deploy');
  const hosts: HostReleases[] = await deploy.listReleases(options);
  if (ctx.json) ctx.stdout(`${JSON.stringify({ hosts }, null, 2)}\n`);
  else ctx.stdout(formatReleases(hosts));
  return hosts.every((h) => h.ok) ? 0 : 1;
}

/** `unlock`: shows each host's lock, asks, then removes only the locks it showed (a lock taken since is left alone). */
export async function runUnlockCommand(ctx: CliContext): Promise<number> {
  const { options, env } = await remoteOptions(ctx);
  const deploy = await import('../core/deploy');
  const { describeHolder } = await import('../core/remote/lock');
  const locks = await deploy.readLocks(options);
  for (const l of locks) {
    const state = !l.ok ? `unreachable: ${l.error}` : l.lock ? `locked by ${describeHolder(l.lock.holder)}${l.stale ? `; ${l.stale}` : ''}` : 'not locked';
    ctx.stderr(`${l.host}: ${state}\n`);
  }
  const shown = new Map(locks.flatMap((l) => (l.lock ? [[l.host, l.lock.raw] as const] : [])));
  if (shown.size === 0) return locks.every((l) => l.ok) ? 0 : 1;
  if (!(await confirm(ctx, `Remove the deploy lock shown above on ${shown.size} ${env.name} host(s)`, 'Unlock?'))) return 1;
  const results = await deploy.unlock(options, shown);
  for (const r of results.filter((x) => shown.has(x.host))) {
    const holder = r.holder ? ` (held by ${describeHolder(r.holder)}${r.stale ? `; ${r.stale}` : ''})` : '';
    const what = !r.ok ? `failed: ${r.error}`
      : r.changed ? `not unlocked: the lock changed since it was shown; it is now held by ${describeHolder(r.changed.holder)}`
        : r.removed ? `unlocked${holder}` : 'was no longer locked';
    ctx.stderr(`${r.host}: ${what}\n`);
  }
  return results.every((r) => r.ok && !r.changed) && locks.every((l) => l.ok) ? 0 : 1;
}
