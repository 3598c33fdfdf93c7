/**
 * Authentication order: the ssh-agent (SSH_AUTH_SOCK) first, then the identity files in order. A key
 * file is read only if what came before did not get us in, and a passphrase is asked for only if it is encrypted.
 * Passphrases and key material are never logged or put in error messages.
 */
import { readFile } from 'node:fs/promises';
import type { AnyAuthMethod, AuthHandlerMiddleware, ParsedKey } from 'ssh2';

export type PassphraseProvider = (identityFile: string) => Promise<string | undefined>;

export interface AuthSettings {
  username: string;
  agentSocket?: string;
  identityFiles?: string[];
  passphrase?: PassphraseProvider;
}

type ParseKey = (data: Buffer, passphrase?: string) => ParsedKey | Error;

/** What was tried, for the refusal message. Collected per connection, not globally. */
export interface AuthLog {
  tried: string[];
  problems: string[];
}

export function makeAuthHandler(settings: AuthSettings, parseKey: ParseKey, log: AuthLog): AuthHandlerMiddleware {
  const methods: Array<() => Promise<AnyAuthMethod | undefined>> = [];
  if (settings.agentSocket) {
    methods.push(async () => {
      log.tried.push('ssh-agent');
      return { type: 'agent', username: settings.username, agent: settings.agentSocket! };
    });
  }
  for (const file of settings.identityFiles ?? []) {
    methods.push(async () => {
      log.tried.push(file);
      const key = await loadKey(file, parseKey, settings.passphrase, log);
      return key ? { type: 'publickey', username: settings.username, key } : undefined;
    });
  }
  let next = 0;
  return (_left, _partial, callback) => {
    const tryNext = (): void => {
      const method = methods[next++];
      if (!method) return callback(false as unknown as AnyAuthMethod); // ssh2: false = no more methods
      method().then((m) => (m ? callback(m) : tryNext()), (e: Error) => {
        log.problems.push(e.message);
        tryNext();
      });
    };
    tryNext();
  };
}

async function loadKey(file: string, parseKey: ParseKey, passphrase: PassphraseProvider | undefined, log: AuthLog): Promise<ParsedKey | undefined> {
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch (e) {
    log.problems.push(`cannot read identity file ${file}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    return undefined;
  }
  let key = parseKey(data);
  if (key instanceof Error && /passphrase|encrypted/i.test(key.message)) {
    const secret = passphrase ? await passphrase(file) : undefined;
    if (secret === undefined) {
      log.problems.push(`${file} is encrypted and no passphrase was given (set PHOENIX_DEPLOY_KEY_PASSPHRASE or load it into ssh-agent)`);
      return undefined;
    }
    key = parseKey(data, secret);
    if (key instanceof Error) {
      log.problems.push(`the passphrase for ${file} is wrong`);
      return undefined;
    }
  }
  if (key instanceof Error || !key.isPrivateKey()) {
    log.problems.push(`${file} is not a private key ssh2 can read`);
    return undefined;
  }
  return key;
}
