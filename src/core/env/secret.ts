/** A generated secret: 64 random bytes, base64-encoded (88 characters), as `mix phx.gen.secret` draws them. */
import { randomBytes } from 'node:crypto';

export const SECRET_BYTES = 64;

export function generateSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64');
}
