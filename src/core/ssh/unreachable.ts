/**
 * Why a host could not be reached, in the user's terms, from the message the connection failed
 * with (ssh2's socket errors as worded by ssh/connection.ts, OpenSSH's, and our host-key refusals).
 */
export type UnreachableReason = 'dns' | 'refused' | 'timeout' | 'host-key' | 'auth' | 'other';

export interface Unreachable {
  reason: UnreachableReason;
  /** One short line: what is wrong and what to look at. */
  summary: string;
}

const RULES: Array<[UnreachableReason, RegExp, string]> = [
  ['host-key', /refusing to connect to an unknown host/, 'its host key is not in known_hosts yet: check the fingerprint, then trust it'],
  ['host-key', /HOST KEY CHANGED|Host key verification failed/, 'its host key changed since it was trusted: refusing to connect'],
  ['host-key', /@revoked/, 'its host key is marked @revoked in known_hosts'],
  ['auth', /refused authentication|Permission denied \(|All configured authentication methods failed/, 'it refused the login: check the user and the SSH key (ssh-agent or identity_file)'],
  ['dns', /ENOTFOUND|EAI_AGAIN|EAI_NONAME|getaddrinfo|Could not resolve hostname|Name or service not known/, 'its name does not resolve (DNS): check the host name'],
  ['refused', /ECONNREFUSED|Connection refused/, 'the connection was refused: nothing listens on that port (is sshd running, is the port right?)'],
  ['timeout', /ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|timed out|handshake in time|stopped answering/, 'it did not answer: check the network, a firewall or a VPN'],
];

export function whyUnreachable(message: string): Unreachable {
  for (const [reason, pattern, summary] of RULES) if (pattern.test(message)) return { reason, summary };
  return { reason: 'other', summary: message.split('\n')[0] };
}
