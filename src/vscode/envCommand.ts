import * as vscode from 'vscode';
import type { EnvEdit, EnvResult } from '../core/env';
import { runJob, type JobServices } from './jobs';
import { reportFailure } from './errorReport';
import type { Commands } from './commands';
import { HostsError } from '../core/errors';
import { runFailure } from '../core/usecases/failure';
import { editorRemoteOptions } from './remoteOptions';
import type { Secrets } from './secrets';
import type { ServerNode } from './serverNodes';
import { pickEnvironment } from './pickers';
import { requireConfig } from '../core/project/loadConfig';
import { projectRoot } from './workspace';

export interface EnvCommandContext extends JobServices {
  secrets: Secrets;
}

/** The prompts of the flow; tests script them, everyone else gets VS Code's. */
export interface EnvironmentUi {
  pick<T extends vscode.QuickPickItem>(items: T[], options: vscode.QuickPickOptions): Promise<T | undefined>;
  input(options: vscode.InputBoxOptions): Promise<string | undefined>;
  confirm(message: string, detail: string, button: string): Promise<boolean>;
}

const vscodeUi: EnvironmentUi = {
  pick: (items, options) => Promise.resolve(vscode.window.showQuickPick(items, options)),
  input: (options) => Promise.resolve(vscode.window.showInputBox(options)),
  confirm: async (message, detail, button) => (await vscode.window.showWarningMessage(message, { modal: true, detail }, button)) === button,
};

const MASK = '••••••••';
type KeyItem = vscode.QuickPickItem & { key?: string };

/** Which key, and what to do with it: set (a new value, typed unseen) or unset. */
async function chooseEdit(ui: EnvironmentUi, env: string, keys: Array<{ key: string; empty: boolean; same: boolean; hosts: string[] }>, hostCount: number, only?: string): Promise<EnvEdit | undefined> {
  if (only) return valueFor(ui, env, only);
  const items: KeyItem[] = [
    ...keys.map((k) => ({
      label: k.key, key: k.key, description: k.empty ? vscode.l10n.t('(empty)') : MASK,
      detail: [k.hosts.length === hostCount ? vscode.l10n.t('all hosts') : k.hosts.join(', '), k.same ? undefined : vscode.l10n.t('differs between hosts')].filter(Boolean).join(' · '),
    })),
    { label: `$(add) ${vscode.l10n.t('Add…')}` },
  ];
  const picked = await ui.pick(items, { title: vscode.l10n.t('shared/env of {0}', env), placeHolder: vscode.l10n.t('A key to change (values are never shown)') });
  if (!picked) return undefined;
  let key = picked.key;
  let action: 'set' | 'unset' = 'set';
  if (!key) {
    const { ENV_KEY } = await import('../core/env');
    key = await ui.input({ title: vscode.l10n.t('New key in shared/env of {0}', env), prompt: vscode.l10n.t('Capital letters, digits and _'),
      validateInput: (v) => (ENV_KEY.test(v) ? (keys.some((k) => k.key === v) ? vscode.l10n.t('{0} exists: pick it to change it', v) : undefined) : vscode.l10n.t('capital letters, digits and _, not starting with a digit')) });
    if (!key) return undefined;
  } else {
    const set = vscode.l10n.t('Set a new value…');
    const what = await ui.pick([{ label: set }, generateItem(), { label: vscode.l10n.t('Unset') }], { title: key });
    if (!what) return undefined;
    if (what.label === generateItem().label) return generated(key);
    action = what.label === set ? 'set' : 'unset';
  }
  if (action === 'unset') return { set: new Map(), unset: [key] };
  return typedValue(ui, env, key);
}

const generateItem = (): vscode.QuickPickItem => ({
  label: vscode.l10n.t('Generate a secret'),
  description: vscode.l10n.t('64 random bytes, base64, as mix phx.gen.secret; never shown'),
});

/** `env set KEY --generate`'s value: made here, written to the hosts, never shown. */
async function generated(key: string): Promise<EnvEdit> {
  const { generateSecret } = await import('../core/env');
  return { set: new Map([[key, generateSecret()]]), unset: [] };
}

/** The value of a key the view or a quick fix named: typed unseen, or generated. */
async function valueFor(ui: EnvironmentUi, env: string, key: string): Promise<EnvEdit | undefined> {
  const type = vscode.l10n.t('Type a value…');
  const how = await ui.pick([{ label: type, description: vscode.l10n.t('in a password box') }, generateItem()], { title: vscode.l10n.t('Value of {0}', key) });
  if (!how) return undefined;
  return how.label === type ? typedValue(ui, env, key) : generated(key);
}

/** A new value for one key, typed unseen. */
async function typedValue(ui: EnvironmentUi, env: string, key: string): Promise<EnvEdit | undefined> {
  const value = await ui.input({ title: vscode.l10n.t('Value of {0}', key), prompt: vscode.l10n.t('Typed unseen, written to every host of {0}, and never shown again', env), password: true, ignoreFocusOut: true });
  return value === undefined ? undefined : { set: new Map([[key, value]]), unset: [] };
}

/**
 * "Edit Environment…": shared/env on every host of the node's environment. Keys are listed with
 * masked values; set and add take the value in a password box. The plan (keys only in its output)
 * runs in the environment's terminal, and asks in a modal before writing.
 */
async function editEnvironment(services: EnvCommandContext, node?: ServerNode, ui: EnvironmentUi = vscodeUi, key?: string): Promise<EnvResult | undefined> {
  const root = await projectRoot();
  if (!root) return undefined;
  // From a host or environment row; from the walkthrough, with no row, it asks which environment.
  const env = node && 'env' in node ? node.env : await pickEnvironment(await requireConfig(root.fsPath), vscode.l10n.t('Edit the settings of which environment?'));
  if (!env) return undefined;
  const core = await import('../core/env');
  const reading = vscode.l10n.t('Reading shared/env on {0}…', env.name);
  let options: Awaited<ReturnType<typeof editorRemoteOptions>>;
  let listing: Awaited<ReturnType<typeof core.listEnv>>;
  try {
    options = await editorRemoteOptions(root, env, services.secrets);
    listing = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: reading }, () => core.listEnv(options, { values: false }));
    const unreachable = listing.hosts.filter((h) => !h.ok);
    // Every host gets the same file, so every host must be read first.
    if (unreachable.length > 0) throw new HostsError(unreachable.map((h) => ({ host: h.host, error: new Error(h.error ?? 'unreachable') })));
  } catch (e) {
    reportFailure(services.log, reading, e, { retry: () => editEnvironment(services, { kind: 'environment', env }, ui, key) });
    return undefined;
  }
  const edit = await chooseEdit(ui, env.name, listing.keys, listing.hosts.length, key);
  if (!edit) return undefined;
  const later = vscode.l10n.t('Apply on the next deploy');
  const when = await ui.pick([{ label: later }, {
    label: vscode.l10n.t('Apply and restart now'),
    description: env.strategy === 'blue_green' ? vscode.l10n.t('blue/green: no request is dropped') : vscode.l10n.t('requests fail while the app restarts'),
  }], { title: vscode.l10n.t('When should the app see it?') });
  if (!when) return undefined;
  const restart = when.label !== later;
  const apply = vscode.l10n.t('Apply');
  const changed = await runJob(services, env.name, vscode.l10n.t('Change shared/env on {0}', env.name), (ctx) => core.runEnvChange({
    ...options, edit, restart,
    confirm: (preview) => ui.confirm(vscode.l10n.t('Change shared/env on {0}?', env.name), preview.text, apply),
  }, ctx.emit, ctx.signal), { failure: (r) => runFailure(r, 'the change failed') });
  // The walkthrough's "set the app's settings" step: a change really written to the hosts.
  if (changed?.ok && !changed.cancelled) {
    void vscode.commands.executeCommand('setContext', 'phoenixDeploy.settingsSet', true);
    // The view's [Set the app's settings…] row reads the keys again.
    void vscode.commands.executeCommand('phoenixDeploy.refreshServers');
  }
  return changed;
}

export function registerEnvCommand(commands: Commands, services: EnvCommandContext): void {
  commands.register('phoenixDeploy.editEnvironment', (node?: ServerNode, ui?: EnvironmentUi, key?: string) => editEnvironment(services, node, ui ?? vscodeUi, key),
    { needsTrust: vscode.l10n.t('Editing the environment') });
}
