/**
 * A small ~/.ssh/config reader, because ssh2 reads none. Supports `Host` blocks (patterns with
 * `*`, `?`, `!`), HostName, User, Port, IdentityFile, UserKnownHostsFile and ProxyJump (reported,
 * not followed). `Match` blocks and `Include` are skipped. First value wins, as in OpenSSH.
 */
import { wildcardMatch } from './knownHosts';

export interface SshConfigBlock {
  patterns: string[];
  options: Array<{ key: string; value: string }>;
}

export interface ResolvedSshHost {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  userKnownHostsFile?: string;
  proxyJump?: string;
}

/** Parses the file into blocks; options before any `Host` apply to every host. */
export function parseSshConfig(text: string): SshConfigBlock[] {
  const blocks: SshConfigBlock[] = [{ patterns: ['*'], options: [] }];
  let current: SshConfigBlock | undefined = blocks[0];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z]+)(?:\s*=\s*|\s+)(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1].toLowerCase();
    const args = splitArgs(m[2]);
    if (key === 'host') {
      current = { patterns: args, options: [] };
      blocks.push(current);
    } else if (key === 'match') {
      current = undefined; // conditions we do not evaluate: ignore the block
    } else if (current && args.length > 0) {
      current.options.push({ key, value: args.join(' ') });
    }
  }
  return blocks;
}

function splitArgs(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[2]?.startsWith('#')) break;
    out.push(m[1] ?? m[2]);
  }
  return out;
}

function blockMatches(block: SshConfigBlock, alias: string): boolean {
  let matched = false;
  for (const p of block.patterns) {
    if (p.startsWith('!')) {
      if (wildcardMatch(p.slice(1), alias)) return false;
    } else if (wildcardMatch(p, alias)) {
      matched = true;
    }
  }
  return matched;
}

/** Resolves an alias. `home` expands `~`; `%h`, `%p`, `%r`, `%u`, `%%` are expanded in paths. */
export function resolveSshHost(blocks: readonly SshConfigBlock[], alias: string, home: string, localUser = ''): ResolvedSshHost {
  const first = new Map<string, string>();
  const identityFiles: string[] = [];
  for (const block of blocks) {
    if (!blockMatches(block, alias)) continue;
    for (const { key, value } of block.options) {
      if (key === 'identityfile') identityFiles.push(value);
      else if (!first.has(key)) first.set(key, value);
    }
  }
  const hostName = first.get('hostname')?.replace(/%h/g, alias);
  const portText = first.get('port');
  const port = portText && /^\d{1,5}$/.test(portText) && Number(portText) > 0 && Number(portText) < 65536 ? Number(portText) : undefined;
  const user = first.get('user');
  const expand = (path: string) => expandPath(path, { home, host: hostName ?? alias, port: port ?? 22, user: user ?? localUser, localUser });
  const known = first.get('userknownhostsfile');
  return {
    hostName,
    user,
    port,
    identityFiles: identityFiles.filter((f) => f.toLowerCase() !== 'none').map(expand),
    userKnownHostsFile: known ? expand(known.split(' ')[0]) : undefined,
    proxyJump: first.get('proxyjump'),
  };
}

function expandPath(path: string, t: { home: string; host: string; port: number; user: string; localUser: string }): string {
  const withTokens = path.replace(/%([%dhpru])/g, (_, c: string) =>
    c === '%' ? '%' : c === 'd' ? t.home : c === 'h' ? t.host : c === 'p' ? String(t.port) : c === 'r' ? t.user : t.localUser);
  return withTokens.startsWith('~/') ? `${t.home}/${withTokens.slice(2)}` : withTokens === '~' ? t.home : withTokens;
}
