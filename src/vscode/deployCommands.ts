import * as vscode from 'vscode';
import { requireConfig, requireEnvironment } from '../core/project/loadConfig';
import type { DeployConfig, EnvironmentConfig } from '../core/config/types';
import type { DeployResult } from '../core/deploy';
import type { EventSink } from '../core/plan/types';
import { buildRelease } from './buildCommand';
import type { DeployPanel } from './deployPanel';
import { changesSince } from './changes';
import { runJob, type JobAction, type JobServices } from './jobs';
import { pickEnvironment } from './pickers';
import { editorRemoteOptions } from './remoteOptions';
import type { Secrets } from './secrets';
import type { HostNode, ServerNode } from './serverNodes';
import type { ServersProvider } from './serversView';
import { projectRoot, whenTrusted } from './workspace';
import { hostKey } from '../core/ssh/target';
import { UserError } from '../core/errors';
import { failureLocation } from '../core/deploy/failureLocation';

export interface DeployCommandContext extends JobServices {
  secrets: Secrets;
  servers: ServersProvider;
  buildProblems: vscode.DiagnosticCollection;
  deployPanel: DeployPanel;
}

/** The job's events go to its terminal and, as a grid, to the Deploy panel. */
function watched(services: DeployCommandContext, emit: EventSink): EventSink {
  const panel = services.deployPanel.start();
  return (event) => {
    emit(event);
    panel(event);
  };
}

/**
 * A failed run as an error naming the host that failed and the project file and line: the host's
 * structured error's when it has them, else the first one the app's words name.
 */
function failIfNotOk(result: DeployResult): DeployResult {
  if (result.ok || result.cancelled) return result;
  // The host with its own error, else the one the run's error names first (`web1: the blue slot … is not healthy`).
  const failed = result.hosts.find((h) => h.error) ?? result.hosts.find((h) => result.error?.startsWith(`${h.host}: `));
  const message = `${result.error ?? 'deploy failed'}${result.failedStep ? ` (step ${result.failedStep})` : ''}`;
  const own = failed?.error?.file ? { file: failed.error.file, line: failed.error.line } : undefined;
  const said = [result.error, ...result.hosts.flatMap((h) => [h.error?.message, ...(h.error?.appSays ?? [])])].join('\n');
  throw new UserError(message, { host: failed?.host, ...(own ?? failureLocation(said)) });
}

/** "Show Logs" on a failed deploy's notification: the failed host's app log, in a terminal. */
function hostLogsAction(env: EnvironmentConfig) {
  return (error: Error): JobAction[] => {
    const host = (error as UserError).detail?.host;
    if (!host) return [];
    const node: HostNode = { kind: 'host', env, key: host, primary: false };
    return [{ title: vscode.l10n.t('Show Logs'), run: () => vscode.commands.executeCommand('phoenixDeploy.tailLogs', node) }];
  };
}

/** The site's address when the environment has a proxy with a real name: https://<first server_name>. */
export function siteUrl(env: EnvironmentConfig): string | undefined {
  const name = env.proxy?.serverName.split(/\s+/).find((n) => n && n !== '_' && !n.includes('*'));
  return name ? `https://${name}` : undefined;
}

async function announceSuccess(env: EnvironmentConfig, result: DeployResult): Promise<void> {
  await vscode.commands.executeCommand('setContext', 'phoenixDeploy.deployed', true);
  const url = siteUrl(env);
  const open = vscode.l10n.t('Open Site');
  const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Deployed {0} to {1}.', result.release ?? '', env.name), ...(url ? [open] : []));
  if (choice === open) await vscode.commands.executeCommand('phoenixDeploy.openSite', env.name);
}

async function loadProject(): Promise<{ root: vscode.Uri; config: DeployConfig } | undefined> {
  const root = await projectRoot();
  if (!root) return undefined;
  return { root, config: await requireConfig(root.fsPath) };
}

/** Build (or reuse) the release, confirm in a modal with what changes, then deploy. */
async function deploy(services: DeployCommandContext, root: vscode.Uri, config: DeployConfig, env: EnvironmentConfig): Promise<DeployResult | undefined> {
  const manifest = await buildRelease(services, services.buildProblems, env.name);
  if (!manifest) return undefined;
  const hosts = await services.servers.load(env).catch(() => new Map());
  const primary = [...hosts.values()].find((h) => h.primary && h.ok);
  const deployed = primary?.releases.find((r: { current: boolean }) => r.current);
  const changes = await changesSince(root.fsPath, config, deployed?.commit, manifest.commit);
  const detail = [
    vscode.l10n.t('Release: {0}', manifest.id),
    vscode.l10n.t('Commit: {0} {1}', manifest.commit.slice(0, 7), manifest.subject),
    vscode.l10n.t('Hosts: {0}', env.hosts.map(hostKey).join(', ')),
    deployed ? vscode.l10n.t('Now running: {0}', deployed.id) : vscode.l10n.t('Now running: nothing deployed yet'),
    ...(changes.length > 0 ? ['', vscode.l10n.t('Changes:'), ...changes] : []),
  ].join('\n');
  const go = vscode.l10n.t('Deploy');
  const answer = await vscode.window.showWarningMessage(vscode.l10n.t('Deploy to {0}?', env.name), { modal: true, detail }, go);
  if (answer !== go) return undefined;
  const options = await editorRemoteOptions(root, env, services.secrets);
  const deployModule = await import('../core/deploy');
  const result = await runJob(services, env.name, vscode.l10n.t('Deploy {0} to {1}', manifest.id, env.name), async (ctx) =>
    failIfNotOk(await deployModule.runDeploy({ ...options, release: manifest }, watched(services, ctx.emit), ctx.signal)),
    () => void deploy(services, root, config, env), hostLogsAction(env));
  if (result?.ok) void announceSuccess(env, result);
  await services.servers.refresh();
  return result;
}

async function rollback(services: DeployCommandContext, node?: ServerNode): Promise<DeployResult | undefined> {
  const project = await loadProject();
  if (!project) return undefined;
  const env = node && 'env' in node ? node.env : await pickEnvironment(project.config, vscode.l10n.t('Roll back which environment?'));
  if (!env) return undefined;
  let to = node?.kind === 'release' ? node.release.id : undefined;
  if (!to) {
    const hosts = await services.servers.load(env);
    const primary = [...hosts.values()].find((h) => h.primary && h.ok);
    // The release that was live before current comes first: a plain rollback returns there.
    const undo = primary?.rollbackTarget;
    const picked = await vscode.window.showQuickPick(
      (primary?.releases ?? []).filter((r) => !r.current && r.valid)
        .sort((a, b) => Number(b.id === undo) - Number(a.id === undo) || b.id.localeCompare(a.id))
        .map((r) => ({ label: r.id, description: [r.id === undo ? vscode.l10n.t('live before current') : undefined,
          r.version, r.commit?.slice(0, 7), r.deployedBy].filter(Boolean).join(' · ') })),
      { placeHolder: vscode.l10n.t('Roll back {0} to…', env.name) });
    to = picked?.label;
  }
  if (!to) return undefined;
  const go = vscode.l10n.t('Roll Back');
  if (await vscode.window.showWarningMessage(vscode.l10n.t('Roll back {0} to {1}?', env.name, to), { modal: true }, go) !== go) return undefined;
  const options = await editorRemoteOptions(project.root, env, services.secrets);
  const deployModule = await import('../core/deploy');
  const target = to;
  const result = await runJob(services, env.name, vscode.l10n.t('Roll back {0} to {1}', env.name, target), async (ctx) =>
    failIfNotOk(await deployModule.runRollback({ ...options, to: target }, watched(services, ctx.emit), ctx.signal)));
  await services.servers.refresh();
  return result;
}

/** Shows each host's lock as it is now, asks, then removes only the locks it showed. */
async function unlock(services: DeployCommandContext, node?: ServerNode): Promise<void> {
  const project = await loadProject();
  if (!project) return;
  const env = node && 'env' in node ? node.env : await pickEnvironment(project.config, vscode.l10n.t('Unlock which environment?'));
  if (!env) return;
  const deployModule = await import('../core/deploy');
  const { describeHolder } = await import('../core/remote/lock');
  const options = await editorRemoteOptions(project.root, env, services.secrets);
  const locks = await deployModule.readLocks(options);
  const shown = new Map(locks.flatMap((l) => (l.lock ? [[l.host, l.lock.raw] as const] : [])));
  if (shown.size === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No {0} host is locked.', env.name));
    return;
  }
  const detail = locks.map((l) => `${l.host}: ${!l.ok ? vscode.l10n.t('unreachable: {0}', l.error ?? '')
    : l.lock ? `${describeHolder(l.lock.holder)}${l.stale ? ` (${l.stale})` : ''}` : vscode.l10n.t('not locked')}`).join('\n');
  const go = vscode.l10n.t('Unlock');
  const question = vscode.l10n.t('Remove these deploy locks on {0}? Only do this when no deploy is running.', env.name);
  if (await vscode.window.showWarningMessage(question, { modal: true, detail }, go) !== go) return;
  const results = await deployModule.unlock(options, shown);
  const problems = results.filter((r) => !r.ok || r.changed).map((r) => (r.changed
    ? vscode.l10n.t('{0}: the lock changed since it was shown (now {1}); left alone', r.host, describeHolder(r.changed.holder))
    : `${r.host}: ${r.error}`));
  if (problems.length > 0) void vscode.window.showErrorMessage(problems.join('; '));
  else void vscode.window.showInformationMessage(vscode.l10n.t('Unlocked {0} host(s).', String(results.filter((r) => r.removed).length)));
  await services.servers.refresh();
}

export function registerDeployCommands(context: vscode.ExtensionContext, services: DeployCommandContext): void {
  const trusted = <A extends unknown[]>(what: string, fn: (...args: A) => Promise<unknown>) =>
    (...args: A) => whenTrusted(what, () => fn(...args));
  context.subscriptions.push(
    vscode.commands.registerCommand('phoenixDeploy.deployProduction', trusted(vscode.l10n.t('Deploying'), async () => {
      const project = await loadProject();
      if (project) return deploy(services, project.root, project.config, requireEnvironment(project.config, 'production'));
    })),
    vscode.commands.registerCommand('phoenixDeploy.deployEnvironment', trusted(vscode.l10n.t('Deploying'), async (node?: ServerNode) => {
      const project = await loadProject();
      if (!project) return;
      const env = node?.kind === 'environment' ? node.env : await pickEnvironment(project.config, vscode.l10n.t('Deploy to which environment?'));
      if (env) return deploy(services, project.root, project.config, env);
    })),
    vscode.commands.registerCommand('phoenixDeploy.rollback', trusted(vscode.l10n.t('Rolling back'), (node?: ServerNode) => rollback(services, node))),
    vscode.commands.registerCommand('phoenixDeploy.unlock', trusted(vscode.l10n.t('Unlocking'), (node?: ServerNode) => unlock(services, node))),
    vscode.commands.registerCommand('phoenixDeploy.openSite', async (envName?: string) => {
      const project = await loadProject();
      if (!project) return false;
      const env = envName ? requireEnvironment(project.config, envName) : await pickEnvironment(project.config, vscode.l10n.t('Open the site of which environment?'));
      const url = env && siteUrl(env);
      if (!url) {
        if (env) void vscode.window.showInformationMessage(vscode.l10n.t('{0} has no proxy.server_name, so it has no site address to open.', env.name));
        return false;
      }
      // The walkthrough's last step: the site was really opened, not just the button pressed.
      const opened = await vscode.env.openExternal(vscode.Uri.parse(url));
      if (opened) await vscode.commands.executeCommand('setContext', 'phoenixDeploy.siteOpened', true);
      return opened;
    }),
    vscode.commands.registerCommand('phoenixDeploy.showReleases', async () => {
      await vscode.commands.executeCommand('phoenixDeploy.servers.focus');
      await services.servers.refresh();
    }),
  );
}
