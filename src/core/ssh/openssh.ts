/**
 * Host resolution by OpenSSH itself: `ssh -G` prints the effective configuration for a destination
 * after `Include`, `Match`, `Host` patterns and `%` tokens. We read the options we use from it and
 * never interpret ssh_config ourselves.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors';

/** The options of `ssh -G` output that deploys use. */
export interface SshGOutput {
  hostname: string;
  user: string;
  port: number;
  /** In order, as printed: `~` and `%` tokens are not expanded by `ssh -G` (see expandIdentityFile). */
  identityFiles: string[];
  userKnownHostsFiles: string[];
  strictHostKeyChecking: string;
  hostKeyAlias?: string;
  proxyJump?: string;
  proxyCommand?: string;
  /** Seconds; undefined for `none`. */
  connectTimeout?: number;
  /** Seconds; 0 is OpenSSH's "off". */
  serverAliveInterval: number;
}

/** Parses `ssh -G` output (one `keyword value` per line; keywords are lowercase). Pure. */
export function parseSshG(text: string): SshGOutput {
  const first = new Map<string, string>();
  const identityFiles: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-z0-9]+) (.*)$/.exec(line.trimEnd());
    if (!m) continue;
    if (m[1] === 'identityfile') identityFiles.push(m[2]);
    else if (!first.has(m[1])) first.set(m[1], m[2]);
  }
  const number = (key: string) => {
    const value = first.get(key);
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const hostname = first.get('hostname');
  const port = number('port');
  if (!hostname || port === undefined || !first.get('user')) throw new Error('ssh -G printed no hostname, user or port');
  return {
    hostname,
    user: first.get('user')!,
    port,
    identityFiles,
    // Printed space-separated, unquoted: a path with a space cannot be told apart (documented limit).
    userKnownHostsFiles: (first.get('userknownhostsfile') ?? '').split(' ').filter((f) => f !== '' && f !== 'none'),
    strictHostKeyChecking: first.get('stricthostkeychecking') ?? 'ask',
    hostKeyAlias: first.get('hostkeyalias'),
    proxyJump: first.get('proxyjump'),
    proxyCommand: first.get('proxycommand'),
    connectTimeout: number('connecttimeout'),
    serverAliveInterval: number('serveraliveinterval') ?? 0,
  };
}

/** One destination to resolve, as `ssh [-l user] [-p port] host` would be asked to reach it. */
export interface SshQuery {
  host: string;
  user?: string;
  port?: number;
  /** Without `user`: the user to log in as unless the ssh config sets a `User` (OpenSSH's own default is the local user). */
  defaultUser?: string;
}

/** What OpenSSH answered; `userFromConfig` says, for a query with `defaultUser`, whether a config `User` applied. */
export interface SshResolution extends SshGOutput {
  userFromConfig?: boolean;
}

/** Asks OpenSSH how it would reach a destination. Injectable: unit tests feed captured output. */
export type SshLookup = (query: SshQuery) => Promise<SshResolution>;

/** Where the config comes from: a file (`-F`), `none`, or OpenSSH's defaults (~/.ssh/config then /etc/ssh/ssh_config). */
export interface SshConfigSource {
  /** Absolute path or `none`; undefined: OpenSSH's default files. */
  configFile?: string;
  sshBinary?: string;
}

/** The `ssh -G` argv (without the binary). Pure. */
export function sshGArgs(query: SshQuery, configFile?: string): string[] {
  return ['-G', ...(configFile ? ['-F', configFile] : []), ...(query.user ? ['-l', query.user] : []),
    ...(query.port !== undefined ? ['-p', String(query.port)] : []), '--', query.host];
}

function runSsh(binary: string, args: string[], what: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: 15000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new UserError(`${binary} was not found: resolving hosts needs the OpenSSH client (\`ssh -G\`); install openssh-client or set phoenixDeploy.sshPath`));
      }
      const detail = stderr.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('Pseudo-terminal')).join('; ');
      reject(new UserError(`ssh -G could not resolve ${what}: ${detail || error.message}`));
    });
  });
}

/** A user name no real config sets: printed back by `ssh -G` only when no `User` applies. */
export const UNSET_USER = 'pd-unset-user';

/** A wrapper config: the files OpenSSH would read, then the sentinel `User`. Pure. */
export function wrapperConfig(configFile: string | undefined, home = userInfo().homedir): string {
  const files = configFile === 'none' ? [] : configFile ? [configFile] : [`${home}/.ssh/config`, '/etc/ssh/ssh_config'];
  const quoted = files.find((f) => f.includes('"'));
  if (quoted) throw new UserError(`the ssh config path ${quoted} contains a double quote`);
  return `${files.map((f) => `Include "${f}"\n`).join('')}Match all\n  User ${UNSET_USER}\n`;
}

/**
 * Runs `ssh -G` once per distinct query for as long as the lookup lives (one run of a command).
 * For a query with `defaultUser`, OpenSSH first tells whether the config sets a `User`: `ssh -G`
 * always prints one (the local user by default), so it is asked through a wrapper config that
 * includes the real one and ends with `Match all / User <sentinel>`. OpenSSH keeps the first value
 * it obtains, so the sentinel comes back only when no `User` applied. The answer used is then the
 * real config's, asked with `-l` that user.
 */
export function createSshLookup(source: SshConfigSource = {}): SshLookup {
  const binary = source.sshBinary ?? 'ssh';
  const cache = new Map<string, Promise<SshResolution>>();
  const where = (host: string) => `${host}${source.configFile && source.configFile !== 'none' ? ` with ${source.configFile}` : ''}`;
  const ask = async (query: SshQuery): Promise<SshResolution> => {
    if (query.user || !query.defaultUser) return parseSshG(await runSsh(binary, sshGArgs(query, source.configFile), where(query.host)));
    const configured = await configuredUser(query, source, binary);
    const answer = parseSshG(await runSsh(binary, sshGArgs({ ...query, user: configured ?? query.defaultUser }, source.configFile), where(query.host)));
    return { ...answer, userFromConfig: configured !== undefined };
  };
  return (query) => {
    const key = JSON.stringify([query.host, query.user ?? '', query.port ?? 0, query.defaultUser ?? '']);
    let hit = cache.get(key);
    if (!hit) cache.set(key, (hit = ask(query)));
    return hit;
  };
}

async function configuredUser(query: SshQuery, source: SshConfigSource, binary: string): Promise<string | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'pd-sshg-'));
  try {
    const wrapper = join(dir, 'config');
    await writeFile(wrapper, wrapperConfig(source.configFile), { mode: 0o600 });
    const out = parseSshG(await runSsh(binary, sshGArgs({ host: query.host, port: query.port }, wrapper), query.host));
    return out.user === UNSET_USER ? undefined : out.user;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
