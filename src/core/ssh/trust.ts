import { execFile } from 'node:child_process';
import { appendFile, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { fingerprintOf, knownHostName } from './knownHosts';
import { UserError } from '../errors';

/** An unknown-host refusal, as hostKeyRefusal words it: enough to offer "trust this host". */
export interface UnknownHost {
  host: string;
  port: number;
  knownHostsFile: string;
  keyType: string;
  fingerprint: string;
}

// At the start, or after a prefix naming the bastion ("bastion b (…) on the way to app-1: "). A host
// behind a bastion is worded "host:port (app-1 via b) is not in", which ssh-keyscan from here cannot reach: no match.
const UNKNOWN = /(?:^|: )([^\s()[\]]+?):(\d+) is not in (.+?); refusing to connect to an unknown host\. It presented (\S+) key (SHA256:[A-Za-z0-9+/]+)\./m;

export function parseUnknownHost(message: string): UnknownHost | undefined {
  const m = UNKNOWN.exec(message);
  return m ? { host: m[1], port: Number(m[2]), knownHostsFile: m[3], keyType: m[4], fingerprint: m[5] } : undefined;
}

/**
 * Adds a host's key to known_hosts after the user accepted its fingerprint. The key is fetched
 * again with ssh-keyscan and written only if it has exactly the fingerprint the user saw.
 */
export async function trustHostKey(unknown: UnknownHost, keyscan = 'ssh-keyscan'): Promise<void> {
  const scanned = await new Promise<string>((resolve, reject) =>
    execFile(keyscan, ['-T', '10', '-t', unknown.keyType, '-p', String(unknown.port), '--', unknown.host], (error, stdout) =>
      (error && !stdout ? reject(error) : resolve(stdout))));
  const line = scanned.split('\n').map((l) => l.trim().split(/\s+/)).find((parts) =>
    parts.length >= 3 && !parts[0].startsWith('#') && fingerprintOf(Buffer.from(parts[2], 'base64')) === unknown.fingerprint);
  if (!line) {
    throw new UserError(`${unknown.host}:${unknown.port} now presents a different key than ${unknown.fingerprint}; not trusting it`, { host: unknown.host });
  }
  await mkdir(path.dirname(unknown.knownHostsFile), { recursive: true, mode: 0o700 });
  await appendFile(unknown.knownHostsFile, `${knownHostName(unknown.host, unknown.port)} ${line[1]} ${line[2]}\n`, { mode: 0o600 });
}
