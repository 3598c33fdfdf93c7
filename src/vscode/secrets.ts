import * as vscode from 'vscode';
import type { Commands } from './commands';

const KEY_PREFIX = 'phoenixDeploy.passphrase:';
const INDEX_KEY = 'phoenixDeploy.passphraseFiles';

/** Key passphrases live in SecretStorage only; never in settings or logs. */
export class Secrets {
  constructor(private readonly context: vscode.ExtensionContext) {}

  /** The stored passphrase, or asks once and stores it. */
  async passphrase(identityFile: string): Promise<string | undefined> {
    const stored = await this.context.secrets.get(KEY_PREFIX + identityFile);
    if (stored !== undefined) return stored;
    const entered = await vscode.window.showInputBox({
      title: vscode.l10n.t('Passphrase for {0}', identityFile),
      prompt: vscode.l10n.t('Stored in VS Code SecretStorage. "Phoenix: Forget Key Passphrases" removes it.'),
      password: true,
      ignoreFocusOut: true,
    });
    if (entered === undefined) return undefined;
    await this.context.secrets.store(KEY_PREFIX + identityFile, entered);
    const files = new Set(this.context.globalState.get<string[]>(INDEX_KEY, []));
    files.add(identityFile);
    await this.context.globalState.update(INDEX_KEY, [...files]);
    return entered;
  }

  async forgetAll(): Promise<number> {
    const files = this.context.globalState.get<string[]>(INDEX_KEY, []);
    for (const f of files) await this.context.secrets.delete(KEY_PREFIX + f);
    await this.context.globalState.update(INDEX_KEY, []);
    return files.length;
  }
}

export function registerSecretCommands(commands: Commands, secrets: Secrets): void {
  commands.register('phoenixDeploy.forgetPassphrases', async () => {
    const n = await secrets.forgetAll();
    void vscode.window.showInformationMessage(vscode.l10n.t('Forgot {0} stored key passphrase(s).', String(n)));
  });
}
