import { access, constants } from 'node:fs/promises';
import * as path from 'node:path';
import { UserError } from '../errors';

// A desktop-launched editor often lacks the login shell's PATH: look in the usual places too.
const EXTRA_DIRS = ['/usr/local/bin', '/usr/bin', '/bin', '/opt/homebrew/bin', '/opt/local/bin'];

const INSTALL_HINTS: Record<string, string> = {
  rsync: 'install it (Debian/Ubuntu: apt install rsync; macOS: brew install rsync)',
  ssh: 'install the OpenSSH client (Debian/Ubuntu: apt install openssh-client)',
  git: 'install git',
};

/** The absolute path of a program: the configured value (a path or a name), searched on PATH and the usual dirs. */
export async function resolveBinary(name: string, configured: string | undefined, settingName: string, envPath = process.env.PATH ?? ''): Promise<string> {
  const wanted = configured?.trim() || name;
  const candidates = wanted.includes('/') ? [wanted] : [...envPath.split(path.delimiter).filter(Boolean), ...EXTRA_DIRS].map((d) => path.join(d, wanted));
  for (const candidate of candidates) {
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return candidate;
  }
  const hint = INSTALL_HINTS[name] ?? `install ${name}`;
  throw new UserError(`${wanted} was not found (looked in ${wanted.includes('/') ? wanted : 'PATH and ' + EXTRA_DIRS.join(', ')}): ${hint}, or set ${settingName} to its full path`);
}
