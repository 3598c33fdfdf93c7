import * as vscode from 'vscode';
import type { Commands } from './commands';
import { loadConfigFile } from '../core/project/loadConfig';
import { projectAppName } from '../core/project/appName';
import type { EnvironmentConfig } from '../core/config/types';
import type { HostReleases } from '../core/deploy';
import type { ProjectSettings } from '../core/check/settingsProbe';
import { environmentItem, historyItem, hostItem, liveItem, messageItem, releaseItem, releaseNodes, slotItem, slotNodes, type ServerNode } from './serverNodes';
import { editorRemoteOptions, editorTargets } from './remoteOptions';
import type { Secrets } from './secrets';
import { configProblemNodes, environmentAdvice, unreachableNodes } from './viewAdvice';
import { projectRoot } from './workspace';

const configExists = (root: vscode.Uri) => vscode.workspace.fs.stat(vscode.Uri.joinPath(root, 'config', 'deploy.yml')).then(() => true, () => false);

/**
 * The Servers tree: environment → host → releases. Host state is loaded on demand (one SSH round
 * trip per host, hosts in parallel) and only refreshed when asked; never in a loop.
 */
export class ServersProvider implements vscode.TreeDataProvider<ServerNode> {
  private readonly changed = new vscode.EventEmitter<ServerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly loaded = new vscode.EventEmitter<{ env: string; hosts: Map<string, HostReleases> }>();
  /** Fires when an environment's hosts have been read (for the status bar). */
  readonly onDidLoad = this.loaded.event;
  private readonly hostStates = new Map<string, Map<string, HostReleases>>();
  private readonly loading = new Map<string, Promise<void>>();
  private debounce?: NodeJS.Timeout;
  private pendingRefresh?: Promise<void>;
  private resolveRefresh?: () => void;
  /** deploy.yml's `app`, from the last read of the config (names the unit setup writes). */
  private app?: string;
  /** What config/runtime.exs requires, read with the hosts (the view's settings advice compares them). */
  private readonly settings = new Map<string, ProjectSettings>();

  constructor(private readonly secrets: Secrets) {}

  /** Debounced: a burst of refresh requests costs one round of SSH; every caller waits for it. */
  refresh(): Promise<void> {
    clearTimeout(this.debounce);
    this.pendingRefresh ??= new Promise((resolve) => (this.resolveRefresh = resolve));
    this.debounce = setTimeout(() => {
      this.hostStates.clear();
      this.settings.clear();
      this.loading.clear();
      this.changed.fire(undefined);
      this.resolveRefresh?.();
      this.pendingRefresh = undefined;
    }, 200);
    return this.pendingRefresh;
  }

  /** Loads (once) every host of an environment. */
  async load(env: EnvironmentConfig): Promise<Map<string, HostReleases>> {
    let pending = this.loading.get(env.name);
    if (!pending) {
      pending = (async () => {
        const root = await projectRoot();
        if (!root) return;
        const deploy = await import('../core/deploy');
        const probe = await import('../core/check/settingsProbe');
        const settings = await probe.readProjectSettings(root.fsPath);
        this.settings.set(env.name, settings);
        const envKeys = probe.needsSettingsProbe(settings, env) ? { serverNames: probe.phxHostNames(settings, env) } : undefined;
        const hosts = await deploy.listReleases(await editorRemoteOptions(root, env, this.secrets), undefined, envKeys ? { envKeys } : {});
        const states = new Map(hosts.map((h) => [h.host, h]));
        this.hostStates.set(env.name, states);
        // The walkthrough's "set up the servers" step: every host of a managed environment answered "set up".
        if (env.service === 'systemd' && hosts.length > 0 && hosts.every((h) => h.ok && h.setUp)) void vscode.commands.executeCommand('setContext', 'phoenixDeploy.serversSetUp', true);
        this.loaded.fire({ env: env.name, hosts: states });
      })();
      this.loading.set(env.name, pending);
    }
    await pending;
    return this.hostStates.get(env.name) ?? new Map();
  }

  async getChildren(node?: ServerNode): Promise<ServerNode[]> {
    if (!node) {
      void vscode.commands.executeCommand('phoenixDeploy.checkDocker');
      const root = await projectRoot();
      if (!root) return [];
      // No config: no rows, so VS Code shows the welcome content with [Create Deploy Config].
      if (!(await configExists(root))) return [];
      const loaded = await loadConfigFile(root.fsPath, { trusted: vscode.workspace.isTrusted });
      if (!loaded.config) return configProblemNodes(root, loaded.findings);
      this.app = await projectAppName(root.fsPath, loaded.config);
      return Object.values(loaded.config.environments).map((env) => ({ kind: 'environment', env }));
    }
    if (node.kind === 'environment') {
      const { viaText } = await import('../core/ssh/chain');
      const states = await this.load(node.env).catch(() => new Map<string, HostReleases>());
      let targets;
      try {
        targets = await editorTargets(node.env);
      } catch (e) {
        return [{ kind: 'message', text: (e as Error).message, icon: 'error', tooltip: (e as Error).message }];
      }
      const hosts: ServerNode[] = targets.map((t) => ({ kind: 'host', env: node.env, key: t.key, primary: t.primary, via: viaText(t), state: states.get(t.key) }));
      return [...environmentAdvice(node.env, this.app, states, node, this.settings.get(node.env.name)), ...hosts];
    }
    if (node.kind === 'host') {
      if (!node.state) return [{ kind: 'message', text: vscode.l10n.t('Not loaded: use Refresh'), icon: 'info' }];
      if (!node.state.ok) return unreachableNodes(node.state.error);
      const releases = releaseNodes(node.env, node.state);
      return [...slotNodes(node.env, node.state), ...(releases.length > 0 ? releases : [{ kind: 'message', text: vscode.l10n.t('No releases yet'), icon: 'info' } as const])];
    }
    if (node.kind === 'history') return node.entries.map((entry) => ({ kind: 'live', entry }));
    return [];
  }

  getTreeItem(node: ServerNode): vscode.TreeItem {
    switch (node.kind) {
      case 'environment': return environmentItem(node.env);
      case 'host': return hostItem(node);
      case 'release': return releaseItem(node);
      case 'slot': return slotItem(node);
      case 'message': return messageItem(node);
      case 'history': return historyItem(node);
      case 'live': return liveItem(node);
    }
  }
}

export function registerServersView(context: vscode.ExtensionContext, commands: Commands, secrets: Secrets): ServersProvider {
  const provider = new ServersProvider(secrets);
  const watcher = vscode.workspace.createFileSystemWatcher('**/config/deploy.yml');
  const refresh = () => void provider.refresh();
  context.subscriptions.push(
    vscode.window.createTreeView('phoenixDeploy.servers', { treeDataProvider: provider, showCollapseAll: true }),
    // Creating, fixing or deleting the config changes what the view has to say.
    watcher, watcher.onDidCreate(refresh), watcher.onDidChange(refresh), watcher.onDidDelete(refresh),
  );
  commands.register('phoenixDeploy.refreshServers', () => provider.refresh());
  return provider;
}
