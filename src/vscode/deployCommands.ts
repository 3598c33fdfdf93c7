import * as vscode from 'vscode';
import { requireConfig, requireEnvironment } from '../core/project/loadConfig';
import type { DeployConfig, EnvironmentConfig } from '../core/config/types';
import type { DeployResult } from '../core/deploy';
import type { EventSink } from '../core/plan/types';
import { buildRelease } from './buildCommand';
import type { DeployPanel } from './deployPanel';
import { runJob, type JobServices } from './jobs';
import type { Commands } from './commands';
import type { FailureAction } from './errorReport';
import type { FailureReport } from './commandPolicy';
import { pickEnvironment } from './pickers';
import { editorRemoteOptions } from './remoteOptions';
import type { Secrets } from './secrets';
import type { HostNode, ServerNode } from './serverNodes';
import type { ServersProvider } from './serversView';
import { projectRoot } from './workspace';
import { hostKey } from '../core/ssh/target';
import { runFailure } from '../core/usecases/failure';

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

/** "Show Logs" on a failed deploy's notification: the failed host's app log, in a terminal. */
function hostLogsAction(env: EnvironmentConfig) {
  return (report: FailureReport): FailureAction[] => {
    if (!report.host) return [];
    const node: HostNode = { kind: 'host', env, key: report.host, primary: false };
    return [{ title: vscode.l10n.t('Show Logs'), run: () => vscode.commands.executeCommand('phoenixDeploy.tailLogs', node) }];
  };
}

const deployFailure = (result: DeployResult) => runFailure(result, 'deploy failed');

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
  const { changesSinceLive } = await import('../core/usecases/changes');
  const { live: deployed, changes } = await changesSinceLive(root.fsPath, config, hosts.values(), manifest.commit);
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
  const result = await runJob(services, env.name, vscode.l10n.t('Deploy {0} to {1}', manifest.id, env.name), (ctx) =>
    deployModule.runDeploy({ ...options, release: manifest }, watched(services, ctx.emit), ctx.signal),
  { retry: () => void deploy(services, root, config, env), actions: hostLogsAction(env), failure: deployFailure });
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
  const result = await runJob(services, env.name, vscode.l10n.t('Roll back {0} to {1}', env.name, target), (ctx) =>
    deployModule.runRollback({ ...options, to: target }, watched(services, ctx.emit), ctx.signal),
  { actions: hostLogsAction(env), failure: deployFailure });
  await services.servers.refresh();
  return result;
}

/** Shows each host's lock as it is now, asks, then removes only the locks it showed. */
async function unlock(services: DeployCommandContext, node?: ServerNode): Promise<void> {
  const project = await loadProject();
  if (!project) return;
  const env = node && 'env' in node ? node.env : await pickEnvironment(project.config, vscode.l10n.t('Unlock which environment?'));
  if (!env) return;
  const { readLockSurvey, removeShownLocks } = await import('../core/usecases/unlock');
  const options = await editorRemoteOptions(project.root, env, services.secrets);
  const survey = await readLockSurvey(options);
  if (survey.shown.size === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('No {0} host is locked.', env.name));
    return;
  }
  const go = vscode.l10n.t('Unlock');
  const question = vscode.l10n.t('Remove these deploy locks on {0}? Only do this when no deploy is running.', env.name);
  if (await vscode.window.showWarningMessage(question, { modal: true, detail: survey.lines.join('\n') }, go) !== go) return;
  const report = await removeShownLocks(options, survey);
  if (report.problems.length > 0) void vscode.window.showErrorMessage(report.problems.join('; '));
  else void vscode.window.showInformationMessage(vscode.l10n.t('Unlocked {0} host(s).', String(report.removed)));
  await services.servers.refresh();
}

export function registerDeployCommands(commands: Commands, services: DeployCommandContext): void {
  const deploying = { needsTrust: vscode.l10n.t('Deploying') };
  commands.register('phoenixDeploy.deployProduction', async () => {
    const project = await loadProject();
    if (project) return deploy(services, project.root, project.config, requireEnvironment(project.config, 'production'));
  }, deploying);
  commands.register('phoenixDeploy.deployEnvironment', async (node?: ServerNode) => {
    const project = await loadProject();
    if (!project) return;
    const env = node?.kind === 'environment' ? node.env : await pickEnvironment(project.config, vscode.l10n.t('Deploy to which environment?'));
    if (env) return deploy(services, project.root, project.config, env);
  }, deploying);
  commands.register('phoenixDeploy.rollback', (node?: ServerNode) => rollback(services, node), { needsTrust: vscode.l10n.t('Rolling back') });
  commands.register('phoenixDeploy.unlock', (node?: ServerNode) => unlock(services, node),
    { needsTrust: vscode.l10n.t('Unlocking'), progress: vscode.l10n.t('Reading deploy locks') });
  commands.register('phoenixDeploy.openSite', async (envName?: string) => {
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
  }, { title: vscode.l10n.t('Open Site') });
  commands.register('phoenixDeploy.showReleases', async () => {
    await vscode.commands.executeCommand('phoenixDeploy.servers.focus');
    await services.servers.refresh();
  });
}
