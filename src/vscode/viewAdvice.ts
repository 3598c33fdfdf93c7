import * as vscode from 'vscode';
import type { EnvironmentConfig } from '../core/config/types';
import type { HostReleases } from '../core/deploy';
import type { Finding } from '../core/findings';
import { managedHost } from '../core/host/spec';
import { whyUnreachable } from '../core/ssh/unreachable';
import { reasonLabel, type MessageNode, type ServerNode } from './serverNodes';

/**
 * The rows of the Servers view that tell a new user what to do next: the config's problems (each
 * opens the file at its line), the servers that are not set up yet, and why a host is unreachable.
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
 * What an environment still needs before it can be deployed to, first under it in the view.
 * (The runtime-config check's [Set the app's settings…] row belongs here too, once it exists.)
 */
export function environmentAdvice(env: EnvironmentConfig, app: string | undefined, states: ReadonlyMap<string, HostReleases>, node: ServerNode): MessageNode[] {
  const missing = hostsNotSetUp(env, states);
  if (missing.length === 0) return [];
  const unit = app ? managedHost(app, env).unitFile : vscode.l10n.t('the app\'s systemd unit');
  const tooltip = new vscode.MarkdownString().appendText(vscode.l10n.t(
    'Not set up yet: {0}. Setup connects as a user that may run sudo -n and, on each host, creates the deploy user\'s directories under {1}, writes {2}, a sudoers rule that lets the deploy user restart only this app{3}. It shows every file and diff first and changes nothing until you confirm.',
    missing.join(', '), env.deployTo, unit, env.proxy ? vscode.l10n.t(', and the nginx site for {0}', env.proxy.serverName) : ''));
  return [{
    kind: 'message', icon: 'server-process', text: vscode.l10n.t('Set Up Servers…'), contextValue: 'advice.setup',
    description: vscode.l10n.t('{0} of {1} host(s) not set up yet', String(missing.length), String(states.size)), tooltip,
    command: { command: 'phoenixDeploy.setupServers', title: vscode.l10n.t('Set Up Servers…'), arguments: [node] },
  }];
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
