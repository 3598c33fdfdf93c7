import * as vscode from 'vscode';
import type { EnvironmentConfig } from '../core/config/types';
import type { HostReleases } from '../core/deploy';
import { settingsFindings, type ProjectSettings } from '../core/check/settingsProbe';
import type { Finding } from '../core/findings';
import { managedHost } from '../core/host/spec';
import { whyUnreachable } from '../core/ssh/unreachable';
import { reasonLabel, type MessageNode, type ServerNode } from './serverNodes';

/**
 * The rows of the Servers view that tell a new user what to do next: the config's problems (each
 * opens the file at its line), the servers that are not set up yet, the settings the app cannot
 * start without, and why a host is unreachable.
 */

/** One row per error in config/deploy.yml: the message as the label, whole on hover; click opens the line. */
export function configProblemNodes(root: vscode.Uri, findings: readonly Finding[]): MessageNode[] {
  return findings.filter((f) => f.severity === 'error').slice(0, 5).map((f) => {
    const uri = vscode.Uri.joinPath(root, f.file);
    const at = new vscode.Position(Math.max(f.line - 1, 0), Math.max(f.column - 1, 0));
    const tooltip = new vscode.MarkdownString().appendMarkdown(`**${vscode.l10n.t('{0}, line {1}', f.file, String(f.line))}**\n\n`)
      .appendText(f.message).appendMarkdown(`\n\n_${vscode.l10n.t('Click to open the file at this line.')}_`);
    return {
      kind: 'message', icon: 'error', text: f.message.split('\n')[0], contextValue: 'advice.config',
      description: vscode.l10n.t('{0} line {1}', f.file, String(f.line)), tooltip,
      command: { command: 'vscode.open', title: vscode.l10n.t('Open File'), arguments: [uri, { selection: new vscode.Range(at, at) }] },
    };
  });
}

/** Hosts the tool manages that `setup` has not prepared yet (its unit file is missing). */
export function hostsNotSetUp(env: EnvironmentConfig, states: ReadonlyMap<string, HostReleases>): string[] {
  if (env.service !== 'systemd') return [];
  return [...states.values()].filter((h) => h.ok && h.setUp === false).map((h) => h.host);
}

/**
 * The keys config/runtime.exs cannot start without that some host's shared/env lacks, then
 * PHX_HOST when it is not the proxy's name (LiveView's check_origin). Keys only: values stay on the hosts.
 */
export function settingsToSet(env: EnvironmentConfig, settings: ProjectSettings | undefined, states: ReadonlyMap<string, HostReleases>): Array<{ key: string; hosts: string[] }> {
  if (!settings) return [];
  const read = [...states.values()].flatMap((h) => (h.ok && h.envKeys ? [{ host: h.host, keys: h.envKeys }] : []));
  if (read.length === 0) return [];
  return settingsFindings(settings, read, env).map((f) => ({ key: f.setting.key, hosts: f.setting.hosts }));
}

function setUpAdvice(env: EnvironmentConfig, app: string | undefined, missing: string[], hostCount: number, node: ServerNode): MessageNode {
  const unit = app ? managedHost(app, env).unitFile : vscode.l10n.t('the app\'s systemd unit');
  const tooltip = new vscode.MarkdownString().appendText(vscode.l10n.t(
    'Not set up yet: {0}. Setup connects as a user that may run sudo -n and, on each host, creates the deploy user\'s directories under {1}, writes {2}, a sudoers rule that lets the deploy user restart only this app{3}. It shows every file and diff first and changes nothing until you confirm.',
    missing.join(', '), env.deployTo, unit, env.proxy ? vscode.l10n.t(', and the nginx site for {0}', env.proxy.serverName) : ''));
  return {
    kind: 'message', icon: 'server-process', text: vscode.l10n.t('Set Up Servers…'), contextValue: 'advice.setup',
    description: vscode.l10n.t('{0} of {1} host(s) not set up yet', String(missing.length), String(hostCount)), tooltip,
    command: { command: 'phoenixDeploy.setupServers', title: vscode.l10n.t('Set Up Servers…'), arguments: [node] },
  };
}

function settingsAdvice(env: EnvironmentConfig, toSet: Array<{ key: string; hosts: string[] }>, node: ServerNode): MessageNode {
  const keys = toSet.map((s) => s.key);
  const tooltip = new vscode.MarkdownString().appendText(vscode.l10n.t(
    'config/runtime.exs needs {0}, not set in shared/env on: {1}. "Edit Environment…" writes each key into {2}/shared/env on every host of {3} (mode 600, the deploy user\'s), typed unseen or generated there for secrets such as SECRET_KEY_BASE; values are never shown or logged.',
    keys.join(', '), toSet.map((s) => `${s.key}: ${s.hosts.join(', ')}`).join('; '), env.deployTo, env.name));
  return {
    kind: 'message', icon: 'key', text: vscode.l10n.t('Set the app\'s settings…'), contextValue: 'advice.settings',
    description: vscode.l10n.t('{0} not set', keys.join(', ')), tooltip,
    command: { command: 'phoenixDeploy.editEnvironment', title: vscode.l10n.t('Edit Environment…'), arguments: [node, undefined, keys[0]] },
  };
}

/**
 * What an environment still needs before it can be deployed to, first under it in the view: the
 * servers set up, then the settings config/runtime.exs requires (only once every host is set up,
 * since shared/env is written by setup's directories).
 */
export function environmentAdvice(env: EnvironmentConfig, app: string | undefined, states: ReadonlyMap<string, HostReleases>, node: ServerNode, settings?: ProjectSettings): MessageNode[] {
  const missing = hostsNotSetUp(env, states);
  if (missing.length > 0) return [setUpAdvice(env, app, missing, states.size, node)];
  const toSet = settingsToSet(env, settings, states);
  return toSet.length > 0 ? [settingsAdvice(env, toSet, node)] : [];
}

/** Under an unreachable host: why (the whole message on hover), then Retry. */
export function unreachableNodes(error: string | undefined): MessageNode[] {
  const why = whyUnreachable(error ?? '');
  return [
    { kind: 'message', icon: 'error', text: why.summary, description: reasonLabel(why.reason), tooltip: error, contextValue: `advice.unreachable.${why.reason}` },
    { kind: 'message', icon: 'refresh', text: vscode.l10n.t('Retry'), contextValue: 'advice.retry',
      command: { command: 'phoenixDeploy.refreshServers', title: vscode.l10n.t('Retry') } },
  ];
}
