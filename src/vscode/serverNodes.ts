import * as vscode from 'vscode';
import type { EnvironmentConfig } from '../core/config/types';
import type { HostReleases, ReleaseInfo, SlotInfo } from '../core/deploy';
import type { LiveEntry } from '../core/remote/history';
import { whyUnreachable, type UnreachableReason } from '../core/ssh/unreachable';

export type ServerNode =
  | { kind: 'environment'; env: EnvironmentConfig }
  | { kind: 'host'; env: EnvironmentConfig; key: string; primary: boolean; via?: string; state?: HostReleases }
  | { kind: 'release'; env: EnvironmentConfig; host: string; release: ReleaseInfo; role: 'current' | 'previous' | 'other' }
  | { kind: 'history'; env: EnvironmentConfig; host: string; entries: LiveEntry[] }
  | { kind: 'live'; entry: LiveEntry }
  | { kind: 'slot'; env: EnvironmentConfig; host: string; slot: SlotInfo; release?: ReleaseInfo }
  | MessageNode;

/**
 * A row that tells the user something, or what to do next: its whole text on hover, and a command
 * (open the file at the line, set up, retry) when clicked.
 */
export interface MessageNode {
  kind: 'message';
  text: string;
  icon: string;
  description?: string;
  tooltip?: string | vscode.MarkdownString;
  command?: vscode.Command;
  /** For menus and tests, e.g. `advice.setup`, `advice.retry`. */
  contextValue?: string;
}

/** A host in the Servers view: what the host context-menu commands receive. */
export type HostNode = Extract<ServerNode, { kind: 'host' }>;

/** current, the release a plain rollback returns to (from deploys.log), or another release; then the live history. */
export function releaseNodes(env: EnvironmentConfig, host: HostReleases): ServerNode[] {
  const sorted = [...host.releases].sort((a, b) => b.id.localeCompare(a.id));
  const releases: ServerNode[] = sorted.map((release) => ({
    kind: 'release', env, host: host.host, release,
    role: release.current ? 'current' : release.id === host.rollbackTarget ? 'previous' : 'other',
  }));
  return host.history.length > 0 ? [...releases, { kind: 'history', env, host: host.host, entries: host.history }] : releases;
}

export function historyItem(node: Extract<ServerNode, { kind: 'history' }>): vscode.TreeItem {
  const item = new vscode.TreeItem(vscode.l10n.t('Live history'), vscode.TreeItemCollapsibleState.Collapsed);
  item.iconPath = new vscode.ThemeIcon('history');
  item.description = vscode.l10n.t('{0} change(s)', String(node.entries.length));
  item.contextValue = 'history';
  return item;
}

/** One change of what was live: when, what, who, and what it replaced. */
export function liveItem(node: Extract<ServerNode, { kind: 'live' }>): vscode.TreeItem {
  const e = node.entry;
  const item = new vscode.TreeItem(`${e.since.replace('T', ' ').slice(0, 16)} · ${e.id}`, vscode.TreeItemCollapsibleState.None);
  item.iconPath = new vscode.ThemeIcon(e.kind === 'rollback' ? 'discard' : 'rocket');
  item.description = [e.kind === 'rollback' ? vscode.l10n.t('rollback') : vscode.l10n.t('deploy'), e.by,
    e.previous ? vscode.l10n.t('replaced {0}', e.previous) : undefined].filter(Boolean).join(' · ');
  item.contextValue = 'live';
  return item;
}

/** Blue/green hosts: one node per slot (before the releases), with the release each holds. */
export function slotNodes(env: EnvironmentConfig, host: HostReleases): ServerNode[] {
  return (host.slots ?? []).map((slot) => ({ kind: 'slot', env, host: host.host, slot, release: host.releases.find((r) => r.id === slot.release) }));
}

/** e.g. `live: green :4002` for a host's description. */
export function liveSlotLabel(host: HostReleases): string | undefined {
  const live = host.slots?.find((s) => s.live);
  return live ? vscode.l10n.t('live: {0}{1}', live.name, live.port ? ` :${live.port}` : '') : undefined;
}

export function slotItem(node: Extract<ServerNode, { kind: 'slot' }>): vscode.TreeItem {
  const { slot, release } = node;
  const item = new vscode.TreeItem(`${slot.name}${slot.port ? ` :${slot.port}` : ''}`, vscode.TreeItemCollapsibleState.None);
  item.contextValue = slot.live ? 'slot:live' : 'slot:idle';
  const running = slot.state === 'active';
  item.iconPath = new vscode.ThemeIcon(slot.live ? 'broadcast' : 'debug-pause', new vscode.ThemeColor(slot.live && running ? 'charts.green' : running ? 'charts.yellow' : 'disabledForeground'));
  const holds = release?.valid ? `${release.version ?? '?'} ${release.commit?.slice(0, 7) ?? ''}`.trim() : slot.release ?? vscode.l10n.t('empty');
  item.description = [slot.live ? vscode.l10n.t('live') : vscode.l10n.t('idle'), holds, slot.state].join(' · ');
  item.tooltip = new vscode.MarkdownString(`**${escape(slot.name)}** slot${slot.live ? ' (nginx routes here)' : ''}\n\n` +
    `- port ${slot.port ?? '?'}\n- release ${escape(slot.release ?? 'none')}\n- systemd: ${escape(slot.state)}`);
  return item;
}

export function environmentItem(env: EnvironmentConfig): vscode.TreeItem {
  const item = new vscode.TreeItem(env.name, vscode.TreeItemCollapsibleState.Expanded);
  item.contextValue = 'environment';
  item.iconPath = new vscode.ThemeIcon('cloud');
  item.description = env.deployTo;
  const from = env.inventory ? vscode.l10n.t(' from group {0} of {1}', env.inventory.group, env.inventory.file) : '';
  item.tooltip = new vscode.MarkdownString(`**${env.name}**\n\n\`${env.deployTo}\` on ${env.hosts.length} host(s)${from}`);
  return item;
}

export function reasonLabel(reason: UnreachableReason): string {
  switch (reason) {
    case 'dns': return vscode.l10n.t('DNS');
    case 'refused': return vscode.l10n.t('connection refused');
    case 'timeout': return vscode.l10n.t('no answer');
    case 'host-key': return vscode.l10n.t('host key');
    case 'auth': return vscode.l10n.t('authentication');
    case 'other': return vscode.l10n.t('error');
  }
}

/** Short, for the host row's description: `unreachable: DNS`. */
export function unreachableLabel(error: string | undefined): string {
  return vscode.l10n.t('unreachable: {0}', reasonLabel(whyUnreachable(error ?? '').reason));
}

export function hostItem(node: HostNode): vscode.TreeItem {
  const s = node.state;
  const item = new vscode.TreeItem(node.key, vscode.TreeItemCollapsibleState.Collapsed);
  item.contextValue = s?.locked ? 'host.locked' : 'host';
  const current = s?.releases.find((r) => r.current);
  const via = node.via ? vscode.l10n.t('via {0}', node.via) : undefined;
  if (!s) {
    item.iconPath = new vscode.ThemeIcon('server');
    item.description = [node.primary ? vscode.l10n.t('primary · not loaded') : vscode.l10n.t('not loaded'), via].filter(Boolean).join(' · ');
  } else if (!s.ok) {
    item.iconPath = new vscode.ThemeIcon('circle-filled', new vscode.ThemeColor('charts.red'));
    item.description = [unreachableLabel(s.error), via].filter(Boolean).join(' · ');
  } else {
    const color = s.locked ? 'charts.yellow' : s.dangling || !current ? 'charts.orange' : 'charts.green';
    item.iconPath = new vscode.ThemeIcon('circle-filled', new vscode.ThemeColor(color));
    item.description = [s.setUp === false ? vscode.l10n.t('not set up') : undefined, s.os, current ? `${current.version ?? '?'} ${current.commit?.slice(0, 7) ?? ''}` : vscode.l10n.t('no current release'), liveSlotLabel(s),
      s.locked ? vscode.l10n.t('locked by {0}', s.lock?.who ?? '?') + (s.lockStale ? vscode.l10n.t(' (stale)') : '') : undefined,
      s.unreadable?.length ? vscode.l10n.t('{0} unreadable', String(s.unreadable.length)) : undefined, via].filter(Boolean).join(' · ');
  }
  const md = new vscode.MarkdownString();
  md.appendMarkdown(`**${node.key}**${node.primary ? ' (primary)' : ''}${node.via ? ` via ${escape(node.via)}` : ''}\n\n`);
  if (s && !s.ok) md.appendMarkdown(`Unreachable: ${escape(s.error ?? '')}\n\n`);
  if (s?.ok) {
    md.appendMarkdown(`- OS: ${escape(s.os ?? 'unknown')}${s.glibc ? `, glibc ${escape(s.glibc)}` : ''}\n`);
    md.appendMarkdown(`- current: ${current ? `\`${current.id}\` (ERTS ${escape(current.erts ?? '?')})` : s.dangling ? `missing target ${escape(s.current ?? '')}` : 'none'}\n`);
    if (s.locked) md.appendMarkdown(`- locked by ${escape(s.lock?.who ?? '?')} since ${escape(s.lock?.when ?? '?')}${s.lockStale ? ` (stale: ${escape(s.lockStale)})` : ''}\n`);
    for (const slot of s.slots ?? []) md.appendMarkdown(`- ${escape(slot.name)} slot :${slot.port ?? '?'}: ${escape(slot.release ?? 'empty')} (${escape(slot.state)})${slot.live ? ' ← live' : ''}\n`);
    if (s.currentTarget) md.appendMarkdown(`- current points outside releases/: ${escape(s.currentTarget)}\n`);
    for (const u of s.unreadable ?? []) md.appendMarkdown(`- could not read: ${escape(u)}\n`);
  }
  item.tooltip = md;
  return item;
}

export function releaseItem(node: Extract<ServerNode, { kind: 'release' }>): vscode.TreeItem {
  const r = node.release;
  // Version and commit first: they are what a person scans for; the id follows in the description.
  const label = r.valid ? `${r.version ?? '?'} · ${r.commit?.slice(0, 7) ?? '?'}` : r.id;
  const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
  item.contextValue = `release:${node.role}`;
  item.iconPath = new vscode.ThemeIcon(node.role === 'current' ? 'pass-filled' : r.valid ? 'package' : 'question',
    node.role === 'current' ? new vscode.ThemeColor('charts.green') : undefined);
  const when = r.deployedAt ? r.deployedAt.replace('T', ' ').slice(0, 16) : undefined;
  item.description = [node.role === 'current' ? vscode.l10n.t('current') : undefined, r.valid ? undefined : vscode.l10n.t('unreadable name'),
    r.deployedBy, when, r.valid ? r.id : undefined].filter(Boolean).join(' · ');
  item.tooltip = new vscode.MarkdownString(
    `**${escape(r.id)}**${node.role === 'current' ? ' (current)' : ''}\n\n- version ${escape(r.version ?? '?')}, ERTS ${escape(r.erts ?? '?')}\n` +
    `- commit ${escape(r.commit ?? '?')}\n- deployed ${r.deployedBy ? `by ${escape(r.deployedBy)}` : ''} ${r.deployedAt ? `at ${escape(r.deployedAt)}` : ''}`);
  return item;
}

export function messageItem(node: MessageNode): vscode.TreeItem {
  const item = new vscode.TreeItem(node.text);
  item.iconPath = new vscode.ThemeIcon(node.icon);
  item.description = node.description;
  item.tooltip = node.tooltip ?? node.text;
  item.command = node.command;
  item.contextValue = node.contextValue ?? 'message';
  return item;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
