/**
 * known_hosts parsing and host-key verification, pure. Supports plain and hashed (`|1|salt|hmac`)
 * host fields, `[host]:port`, comma lists with `*`/`?` wildcards and `!` negation, and the
 * `@revoked` marker. `@cert-authority` lines are parsed but never trust anything here.
 */
import { createHash, createHmac } from 'node:crypto';

export type HostKeyStatus = 'trusted' | 'unknown' | 'changed' | 'revoked';

export interface KnownHostEntry {
  line: number;
  marker?: 'revoked' | 'cert-authority';
  /** Raw host field: patterns or one hashed `|1|salt|hmac`. */
  hosts: string;
  keyType: string;
  /** Base64 key blob. */
  key: string;
}

export interface HostKeyVerdict {
  status: HostKeyStatus;
  /** `SHA256:...` of the presented key, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  keyType: string;
  /** Lines of known_hosts that decided the verdict (1-based). */
  lines: number[];
}

/** Parses a known_hosts file. Malformed lines are skipped, never thrown on. */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const fields = trimmed.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const name = fields.shift()!.slice(1);
      if (name !== 'revoked' && name !== 'cert-authority') return; // unknown marker: ignore line
      marker = name;
    }
    if (fields.length < 3) return;
    const [hosts, keyType, key] = fields;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key)) return;
    entries.push({ line: index + 1, marker, hosts, keyType, key });
  });
  return entries;
}

/** The name OpenSSH matches for a host: `host`, or `[host]:port` when the port is not 22. */
export function knownHostName(host: string, port: number): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return port === 22 ? bare : `[${bare}]:${port}`;
}

export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Key type embedded in an SSH public key blob (first length-prefixed string). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown';
  const len = keyBlob.readUInt32BE(0);
  if (len > 64 || keyBlob.length < 4 + len) return 'unknown';
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}

/** Does an entry's host field name this host? Handles hashed fields and pattern lists. */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (wildcardMatch(pattern.slice(1), name)) return false; // a negation always wins
    } else if (wildcardMatch(pattern, name)) {
      matched = true;
    }
  }
  return matched;
}

/** OpenSSH-style `*` and `?` matching, case-insensitive like host names. */
export function wildcardMatch(pattern: string, text: string): boolean {
  const p = pattern.toLowerCase();
  const t = text.toLowerCase();
  const memo = new Map<string, boolean>();
  const go = (i: number, j: number): boolean => {
    const k = `${i},${j}`;
    const cached = memo.get(k);
    if (cached !== undefined) return cached;
    let result: boolean;
    if (i === p.length) result = j === t.length;
    else if (p[i] === '*') result = go(i + 1, j) || (j < t.length && go(i, j + 1));
    else result = j < t.length && (p[i] === '?' || p[i] === t[j]) && go(i + 1, j + 1);
    memo.set(k, result);
    return result;
  };
  return go(0, 0);
}

/**
 * Verifies a presented host key under `name`, the name OpenSSH looks up (HostKeyAlias, else
 * `host` or `[host]:port`). A revoked key is refused whatever host line it is on. Entries for the
 * name with the same key type but another key mean the key changed.
 */
export function verifyHostKey(entries: readonly KnownHostEntry[], host: string, port: number, keyBlob: Buffer, name = knownHostName(host, port)): HostKeyVerdict {
  const fingerprint = fingerprintOf(keyBlob);
  const keyType = keyTypeOf(keyBlob);
  const blob = keyBlob.toString('base64');
  const revoked = entries.filter((e) => e.marker === 'revoked' && e.key === blob);
  if (revoked.length > 0) return { status: 'revoked', fingerprint, keyType, lines: revoked.map((e) => e.line) };
  const forHost = entries.filter((e) => e.marker === undefined && hostFieldMatches(e.hosts, name));
  const same = forHost.filter((e) => e.key === blob);
  if (same.length > 0) return { status: 'trusted', fingerprint, keyType, lines: same.map((e) => e.line) };
  const sameType = forHost.filter((e) => e.keyType === keyType);
  if (sameType.length > 0) return { status: 'changed', fingerprint, keyType, lines: sameType.map((e) => e.line) };
  return { status: 'unknown', fingerprint, keyType, lines: forHost.map((e) => e.line) };
}

/** Key types known for a host, so the client can ask the server for one of those first. */
export function knownKeyTypes(entries: readonly KnownHostEntry[], host: string, port: number, name = knownHostName(host, port)): string[] {
  const types = entries.filter((e) => e.marker === undefined && hostFieldMatches(e.hosts, name)).map((e) => e.keyType);
  return [...new Set(types)];
}

/** How a host was reached, for refusals of hosts that ssh-keyscan from here cannot check. */
export interface KeyRoute {
  /** Shown after `host:port`, e.g. `app-1 via bastion`; set whenever `name` or `addWith` is (the editor offers ssh-keyscan only without it). */
  label?: string;
  /** The known_hosts name when it is not `[host]:port` (HostKeyAlias). */
  name?: string;
  /** The OpenSSH command that connects through the same route, so its prompt can add the key. */
  addWith?: string;
}

/** The refusal a user reads: what happened, the fingerprint, and the one command that fixes it. */
export function hostKeyRefusal(verdict: HostKeyVerdict, host: string, port: number, knownHostsFile: string, route: KeyRoute = {}): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  const where = `${bare}:${port}${route.label ? ` (${route.label})` : ''}`;
  const name = route.name ?? knownHostName(host, port);
  const as = route.name ? ` as ${route.name}` : '';
  switch (verdict.status) {
    case 'unknown':
      return `${where} is not in ${knownHostsFile}; refusing to connect to an unknown host. ` +
        `It presented ${verdict.keyType} key ${verdict.fingerprint}. After checking that fingerprint with the ` +
        `host's owner, add it with: ${route.addWith ?? `ssh-keyscan -p ${port} ${bare} >> ${knownHostsFile}`}`;
    case 'changed':
      return `HOST KEY CHANGED for ${where}: it presented ${verdict.keyType} key ${verdict.fingerprint}, which does ` +
        `not match ${knownHostsFile} line ${verdict.lines.join(', ')}${as}. Refusing to connect: this may be an attack. ` +
        `If the host was really reinstalled, remove the old entry with ssh-keygen -R '${name}' -f ${knownHostsFile} and add the new key.`;
    case 'revoked':
      return `${where} presented ${verdict.keyType} key ${verdict.fingerprint}, which ${knownHostsFile} marks @revoked ` +
        `(line ${verdict.lines.join(', ')}). Refusing to connect.`;
    default:
      return `${where} host key ${verdict.fingerprint} is trusted`;
  }
}
