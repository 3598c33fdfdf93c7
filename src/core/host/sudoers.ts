/** The sudoers drop-in: exactly the commands a deploy runs, nothing broader (pure; golden-tested). */
import { managedFile } from './managed';
import { deployCommands, type ManagedHost } from './spec';

// In a sudoers command line these characters must be escaped with a backslash.
const escapeArg = (word: string) => word.replace(/[\\,:=]/g, '\\$&');

export function renderSudoers(host: ManagedHost): string {
  const alias = `PHOENIX_DEPLOY_${host.app.toUpperCase()}`;
  const commands = deployCommands(host).map((argv) => argv.map(escapeArg).join(' '));
  const body = [
    `Cmnd_Alias ${alias} = \\`,
    ...commands.map((c, i) => `    ${c}${i < commands.length - 1 ? ', \\' : ''}`),
    `${host.user} ALL=(root) NOPASSWD: ${alias}`,
  ].join('\n');
  return managedFile(body, `What ${host.user} may run as root to deploy ${host.app}`);
}
