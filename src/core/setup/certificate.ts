/**
 * What a host has of the `tls: auto` certificate, read in one round trip (certbot, its timer, the
 * lineage, the CA it came from, the files nginx serves, the last renewal's result), and whether
 * setup must obtain a new one. Used by setup and by `check --probe`.
 */
import { CERTBOT, CERTBOT_SERVICE, CERTBOT_TIMER, EXPIRY_WARNING_DAYS, OPENSSL, RENEW_BEFORE_DAYS, type AcmeSpec, type HostTls } from '../host/acme';
import { SYSTEMCTL } from '../host/spec';
import type { Command } from '../shell';

const M = '@@phoenix-deploy-cert:';

// $1 lineage's cert.pem, $2 renewal config, $3 the certificate nginx serves, $4 its key.
const INSPECT = String.raw`live=$1 conf=$2 served=$3 key=$4
show() { [ -r "$1" ] && ${OPENSSL} x509 -in "$1" -noout -serial -enddate -ext subjectAltName 2>/dev/null; }
echo '${M}certbot'; [ -x ${CERTBOT} ] && echo present
echo '${M}timer'; ${SYSTEMCTL} is-enabled ${CERTBOT_TIMER} 2>/dev/null
echo '${M}renewal'; ${SYSTEMCTL} show -p Result -p ExecMainStatus -p ExecMainExitTimestamp ${CERTBOT_SERVICE} 2>/dev/null
echo '${M}lineage'; show "$live"
echo '${M}server'; [ -r "$conf" ] && sed -n 's/^server *= *//p' "$conf"
echo '${M}served'; show "$served"
echo '${M}key'; [ -r "$key" ] && echo present
echo '${M}end'`;

export function inspectCertificateCommand(tls: HostTls): Command {
  const acme = tls.acme!;
  return ['sudo', '-n', 'sh', '-c', INSPECT, 'sh', `${acme.liveDir}/cert.pem`, acme.renewalConf, tls.certificate, tls.key];
}

export interface CertificateInfo {
  serial: string;
  notAfter: Date;
  names: string[];
}

export interface CertificateFacts {
  certbot: boolean;
  timerEnabled: boolean;
  /** certbot's lineage on this host (single-host mode: every host; multi-host: the primary). */
  lineage?: CertificateInfo;
  /** The ACME directory the lineage renews from. */
  server?: string;
  /** The certificate nginx serves (the lineage's, or the distributed copy), with its key. */
  served?: CertificateInfo;
  servedKey: boolean;
  /** certbot.service's last run: systemd's Result (`success`, `exit-code`, …) and when it ended. */
  renewal: { result?: string; status?: number; at?: string };
  complete: boolean;
}

function sections(stdout: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(M)) out.set(current = line.slice(M.length), []);
    else if (current && line.trim() !== '') out.get(current)!.push(line.trim());
  }
  return out;
}

/** `openssl x509 -serial -enddate -ext subjectAltName` output; undefined when it printed no certificate. */
export function parseCertificate(lines: readonly string[]): CertificateInfo | undefined {
  const serial = lines.find((l) => l.startsWith('serial='))?.slice(7);
  const end = lines.find((l) => l.startsWith('notAfter='))?.slice(9);
  if (!serial || !end || Number.isNaN(Date.parse(end))) return undefined;
  const names = lines.filter((l) => l.includes('DNS:')).flatMap((l) => l.split(',').map((n) => n.trim()))
    .filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4));
  return { serial, notAfter: new Date(Date.parse(end)), names };
}

export function parseCertificateFacts(stdout: string): CertificateFacts {
  const s = sections(stdout);
  const get = (name: string) => s.get(name) ?? [];
  const prop = (name: string) => get('renewal').find((l) => l.startsWith(`${name}=`))?.slice(name.length + 1) || undefined;
  const status = prop('ExecMainStatus');
  return {
    certbot: get('certbot').includes('present'),
    timerEnabled: get('timer').includes('enabled'),
    lineage: parseCertificate(get('lineage')),
    server: get('server')[0],
    served: parseCertificate(get('served')),
    servedKey: get('key').includes('present'),
    renewal: { result: prop('Result'), status: status === undefined ? undefined : Number(status), at: prop('ExecMainExitTimestamp') },
    complete: s.has('end'),
  };
}

export type ObtainReason = 'none' | 'names' | 'directory' | 'expiring';

/** Why certbot must run for the lineage (undefined: it is valid for these names from this CA for > 30 days). */
export function obtainReason(acme: AcmeSpec, facts: CertificateFacts, now: Date): ObtainReason | undefined {
  const cert = facts.lineage;
  if (!cert) return 'none';
  if (acme.names.some((n) => !cert.names.includes(n.toLowerCase()) && !cert.names.includes(n))) return 'names';
  if (facts.server !== undefined && facts.server !== acme.directory) return 'directory';
  if (daysLeft(cert, now) < RENEW_BEFORE_DAYS) return 'expiring';
  return undefined;
}

export function daysLeft(cert: CertificateInfo, now: Date): number {
  return (cert.notAfter.getTime() - now.getTime()) / 86_400_000;
}

export function describeReason(reason: ObtainReason, acme: AcmeSpec, facts: CertificateFacts): string {
  switch (reason) {
    case 'none': return `no certificate yet for ${acme.names.join(', ')}`;
    case 'names': return `the certificate covers ${facts.lineage!.names.join(', ')}, not ${acme.names.join(', ')}`;
    case 'directory': return `the certificate came from ${facts.server}, not ${acme.directory}`;
    case 'expiring': return `the certificate expires on ${facts.lineage!.notAfter.toISOString()}`;
  }
}

// ---- check --probe: what nginx serves (read over TLS from the host's side) and the last renewal ----

// $1 HTTPS port, $2 the first server name (SNI). No root needed: what any client would be served.
const PROBE = String.raw`echo '${M}served'; ${OPENSSL} s_client -connect "127.0.0.1:$1" -servername "$2" </dev/null 2>/dev/null | ${OPENSSL} x509 -noout -serial -enddate -ext subjectAltName 2>/dev/null
echo '${M}renewal'; ${SYSTEMCTL} show -p Result -p ExecMainStatus -p ExecMainExitTimestamp ${CERTBOT_SERVICE} 2>/dev/null
echo '${M}end'`;

export const probeCertificateCommand = (port: number, name: string): Command => ['sh', '-c', PROBE, 'sh', String(port), name];

export interface CertificateWarning {
  code: 'certificate-expiring' | 'certificate-renewal-failed';
  message: string;
}

/** What `check --probe` reports about a host's certificate: expiring within 14 days, or a renewal that last failed. */
export function certificateWarnings(host: string, name: string, facts: CertificateFacts, now: Date, multiHost: boolean): CertificateWarning[] {
  const out: CertificateWarning[] = [];
  const served = facts.served;
  const renewHint = multiHost
    ? 'run phoenix-deploy setup for this environment (several hosts: the tool renews and copies the certificate)'
    : 'certbot.timer on the host should have renewed it: see `journalctl -u certbot` and `certbot renew --dry-run` there';
  if (!served) {
    out.push({ code: 'certificate-expiring', message: `${host} served no certificate for ${name}: run phoenix-deploy setup` });
  } else if (daysLeft(served, now) < EXPIRY_WARNING_DAYS) {
    const days = Math.max(0, Math.floor(daysLeft(served, now)));
    out.push({ code: 'certificate-expiring', message: `The certificate ${host} serves for ${name} expires on ${served.notAfter.toISOString()} (in ${days} day${days === 1 ? '' : 's'}): ${renewHint}` });
  }
  const r = facts.renewal;
  if (r.result !== undefined && r.result !== 'success') {
    out.push({ code: 'certificate-renewal-failed', message: `The last certificate renewal on ${host} failed (certbot.service: ${r.result}${r.status ? `, exit ${r.status}` : ''}${r.at ? `, at ${r.at}` : ''}): see \`journalctl -u certbot\` there` });
  }
  return out;
}
