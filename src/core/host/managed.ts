/**
 * Files the tool writes on hosts carry a header with the sha256 of their body. A file whose body no
 * longer matches (certbot --nginx rewrote it, someone fixed something by hand), or that has no
 * header at all, was not left as the tool wrote it: setup shows the difference and refuses to
 * overwrite it without --force.
 */
import { createHash } from 'node:crypto';

const HASH_LINE = '# phoenix-deploy-sha256: ';

export type ManagedState = 'absent' | 'intact' | 'edited' | 'foreign';

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `body` behind a comment header saying who wrote it and what it hashed to. */
export function managedFile(body: string, what: string): string {
  const text = body.endsWith('\n') ? body : `${body}\n`;
  return `# ${what}, written by \`phoenix-deploy setup\`.\n` +
    '# Edits are detected: setup shows them and will not overwrite this file without --force.\n' +
    `${HASH_LINE}${sha256(text)}\n${text}`;
}

/** What is on the host at a managed path (undefined: no file). */
export function managedState(text: string | undefined): ManagedState {
  if (text === undefined) return 'absent';
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.startsWith(HASH_LINE));
  if (at < 0 || at > 5) return 'foreign';
  const body = lines.slice(at + 1).join('\n');
  return sha256(body) === lines[at].slice(HASH_LINE.length).trim() ? 'intact' : 'edited';
}
