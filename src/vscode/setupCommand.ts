import * as vscode from 'vscode';
import type { EnvironmentConfig } from '../core/config/types';
import type { SetupPreview, SetupResult } from '../core/setup';
import { requireConfig } from '../core/project/loadConfig';
import { DEFAULT_USER } from '../core/ssh/target';
import { runJob, type JobServices } from './jobs';
import { pickEnvironment } from './pickers';
import { editorRemoteOptions } from './remoteOptions';
import type { Secrets } from './secrets';
import type { ServerNode } from './serverNodes';
import type { ServersProvider } from './serversView';
import { projectRoot } from './workspace';
import type { Commands } from './commands';
import { UserError } from '../core/errors';
import { runFailure } from '../core/usecases/failure';

export interface SetupCommandContext extends JobServices {
  secrets: Secrets;
  servers: ServersProvider;
}

/** The same changes the terminal shows in full, as a short list for the modal. */
function summary(preview: SetupPreview): string {
  return preview.hosts.map((h) => [`${h.host}:`, ...h.create.map((p) => `  + ${p}`), ...h.update.map((p) => `  ~ ${p}`),
    ...h.groups.map((g) => `  + ${vscode.l10n.t('group {0}', g)}`),
    ...h.install.map((p) => `  + ${vscode.l10n.t('package {0}', p)}`), ...h.locales.map((l) => `  + ${vscode.l10n.t('locale {0}', l)}`)].join('\n')).join('\n');
}

/** Asks for the SSH user that may run sudo -n (the deploy user by default). */
async function askAdmin(env: EnvironmentConfig): Promise<string | undefined> {
  const deployUser = env.user ?? DEFAULT_USER;
  return vscode.window.showInputBox({
    title: vscode.l10n.t('Set up {0}', env.name),
    prompt: vscode.l10n.t('SSH user that may run commands with sudo -n on the hosts (deploys later need only the rights setup grants to {0})', deployUser),
    value: deployUser,
    validateInput: (v) => (/^[a-z_][a-z0-9_.-]{0,31}$/.test(v) ? undefined : vscode.l10n.t('a Unix user name')),
  });
}

/**
 * "Phoenix: Set Up Servers…": the setup plan in the environment's terminal; nothing changes before
 * the modal that lists every file (the terminal shows the diffs) is answered. `admin` may be passed
 * by callers that already know it.
 */
async function setUp(services: SetupCommandContext, node?: ServerNode, admin?: string): Promise<SetupResult | undefined> {
  const root = await projectRoot();
  if (!root) return undefined;
  const config = await requireConfig(root.fsPath);
  const env = node && 'env' in node ? node.env : await pickEnvironment(config, vscode.l10n.t('Set up which environment?'));
  if (!env) return undefined;
  const user = admin ?? (await askAdmin(env));
  if (!user) return undefined;
  const options = await editorRemoteOptions(root, env, services.secrets);
  if (!options.app) throw new UserError(vscode.l10n.t('setup needs the app name: set "app" in config/deploy.yml'), { file: 'config/deploy.yml', line: 1 });
  const setup = await import('../core/setup');
  const go = vscode.l10n.t('Set Up');
  const app = options.app;
  const result = await runJob(services, env.name, vscode.l10n.t('Set up {0}', env.name), (ctx) => setup.runSetup({
    ...options, app, admin: user,
    confirm: async (preview) => (await vscode.window.showWarningMessage(vscode.l10n.t('Set up {0}? These files and directories change:', env.name),
      { modal: true, detail: summary(preview) }, go)) === go,
  }, ctx.emit, ctx.signal), { failure: (r) => runFailure(r, 'setup failed') });
  if (result?.ok) {
    // The walkthrough's "set up the servers" step completes on this, the real outcome.
    void vscode.commands.executeCommand('setContext', 'phoenixDeploy.serversSetUp', true);
    void vscode.window.showInformationMessage(result.changed
      ? vscode.l10n.t('{0} is set up.', env.name)
      : vscode.l10n.t('Nothing to change: every {0} host is already set up.', env.name));
  }
  await services.servers.refresh();
  return result;
}

export function registerSetupCommand(commands: Commands, services: SetupCommandContext): void {
  commands.register('phoenixDeploy.setupServers', (node?: ServerNode, admin?: string) => setUp(services, node, admin),
    { needsTrust: vscode.l10n.t('Setting up servers') });
}
