/**
 * `proxy.tls`: certificate files the user manages, or `auto` (setup obtains and the host renews a
 * certificate with certbot, HTTP-01 through the tool's nginx site). Every wrong value is a finding
 * at its line.
 */
import { isScalar, type YAMLMap } from 'yaml';
import { ABS_PATH, type Validator } from './validator';
import { LETS_ENCRYPT_DIRECTORY, type TlsConfig } from './types';

// Passed to certbot as one argument; kept to what an address and a URL need.
const EMAIL = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})+$/;
const DIRECTORY_URL = /^https:\/\/[A-Za-z0-9.-]{1,253}(?::[0-9]{1,5})?(?:\/[A-Za-z0-9._~%/-]*)?$/;

export function readTls(v: Validator, proxy: YAMLMap, where: string): TlsConfig | undefined {
  const node = v.get(proxy, 'tls');
  if (node === undefined) return undefined;
  const at = `${where}.tls`;
  if (isScalar(node) && node.value === 'auto') return { auto: true, directory: LETS_ENCRYPT_DIRECTORY, listen: 443 };
  if (isScalar(node)) {
    v.error(node, `${at} must be auto or a mapping ({ auto: true, email: ops@example.com } or { certificate, key })`);
    return undefined;
  }
  const tls = v.map(node, at, ['auto', 'email', 'directory', 'certificate', 'key', 'listen'], [], proxy);
  if (!tls) return undefined;
  const listen = v.integer(tls, 'listen', at, 1, 65535) ?? 443;
  const auto = v.boolean(tls, 'auto', at);
  if (auto) return readAuto(v, tls, at, listen);
  for (const key of ['email', 'directory']) {
    if (tls.has(key)) v.error(v.get(tls, key), `${at}.${key} only applies with "auto: true"`);
  }
  for (const key of ['certificate', 'key']) {
    if (!tls.has(key)) v.error(tls, `${at} is missing the required key "${key}" (or set "auto: true" to let setup obtain a certificate)`);
  }
  const hint = 'an absolute path on the host, e.g. /etc/letsencrypt/live/shop.example.com/fullchain.pem';
  const certificate = v.string(tls, 'certificate', at, ABS_PATH, hint);
  const key = v.string(tls, 'key', at, ABS_PATH, hint.replace('fullchain', 'privkey'));
  for (const [name, value] of [['certificate', certificate], ['key', key]] as const) {
    if (value?.split('/').includes('..')) v.error(v.get(tls, name), `${at}.${name} must not contain ".."`);
  }
  if (certificate === undefined || key === undefined || auto === undefined && tls.has('auto')) return undefined;
  return { certificate, key, listen };
}

function readAuto(v: Validator, tls: YAMLMap, at: string, listen: number): TlsConfig | undefined {
  for (const key of ['certificate', 'key']) {
    if (tls.has(key)) v.error(v.get(tls, key), `${at}.${key} is not used with "auto: true": setup obtains the certificate (remove it, or set auto: false)`);
  }
  const email = v.string(tls, 'email', at, EMAIL, 'an e-mail address, e.g. ops@example.com');
  const directory = v.string(tls, 'directory', at, DIRECTORY_URL, `an ACME directory URL, e.g. ${LETS_ENCRYPT_DIRECTORY}`);
  if ((tls.has('email') && email === undefined) || (tls.has('directory') && directory === undefined)) return undefined;
  return { auto: true, ...(email ? { email } : {}), directory: directory ?? LETS_ENCRYPT_DIRECTORY, listen };
}

/** HTTP-01 proves one exact name per challenge: `*.example.com`, `.example.com` and `_` cannot be obtained so. */
export function refuseWildcards(v: Validator, proxy: YAMLMap, at: string, serverName: string): void {
  const bad = serverName.split(' ').filter((n) => n === '_' || n.startsWith('*') || n.startsWith('.'));
  if (bad.length === 0) return;
  v.error(v.get(proxy, 'server_name'), `${at}.server_name ${bad.map((n) => JSON.stringify(n)).join(', ')} cannot get a certificate with tls: auto ` +
    '(a wildcard needs the DNS-01 challenge, which setup does not do): list each name, or use tls: { certificate, key } with a certificate you obtain');
}
