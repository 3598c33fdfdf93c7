import type { CliContext } from './context';
import { renderEvent } from '../core/plan/render';
import type { DeployConfig, EnvironmentConfig } from '../core/config/types';
import type { PlanEvent } from '../core/plan/types';
import type { DeployResult, HostReleases } from '../core/deploy';
import type { RemoteOptions } from '../core/fleet/types';
import { interruptSignal } from './signals';
import { confirm } from './confirm';
import { formatReleases } from './format';
import { prospectiveRelease } from './dryRun';

export async function remoteOptions(ctx: CliContext): Promise<{ options: RemoteOptions; env: EnvironmentConfig; config: DeployConfig }> {
  const { loadEnvironment, environmentOptions } = await import('../core/usecases/environmentAccess');
  const { config, environment } = await loadEnvironment(ctx.cwd, ctx.env);
  const { passphraseFromEnv } = await import('../core/fleet/local');
  const options = await environmentOptions(ctx.cwd, { config, environment, passphrase: passphraseFromEnv() });
  return { options, env: environment, config };
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

/** Before asking: the release live now and the commits since (nobody reads them with --yes, so then they are not fetched). */
async function whatChanges(ctx: CliContext, options: RemoteOptions, config: DeployConfig, commit: string): Promise<string> {
  const deploy = await import('../core/deploy');
  const { changesSinceLive } = await import('../core/usecases/changes');
  const { live, changes } = await changesSinceLive(ctx.cwd, config, await deploy.listReleases(options).catch(() => []), commit);
  return `\nNow running: ${live?.id ?? 'nothing deployed yet'}${changes.length > 0 ? `\nChanges:\n${changes.map((c) => `  ${c}`).join('\n')}` : ''}`;
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
  const summary = `Deploy ${manifest.id} (commit ${manifest.commit.slice(0, 7)} "${manifest.subject}") to ${env.name}: ${hosts}${ctx.yes ? '' : await whatChanges(ctx, options, config, manifest.commit)}`;
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
  const { readLockSurvey, removeShownLocks } = await import('../core/usecases/unlock');
  const survey = await readLockSurvey(options);
  for (const line of survey.lines) ctx.stderr(`${line}\n`);
  if (survey.shown.size === 0) return survey.locks.every((l) => l.ok) ? 0 : 1;
  if (!(await confirm(ctx, `Remove the deploy lock shown above on ${survey.shown.size} ${env.name} host(s)`, 'Unlock?'))) return 1;
  const report = await removeShownLocks(options, survey);
  for (const line of report.lines) ctx.stderr(`${line}\n`);
  return report.ok ? 0 : 1;
}
