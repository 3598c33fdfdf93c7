/**
 * `tls: auto` on a managed host, named once: where certbot keeps the account, the certificate and
 * its renewal config, the webroot nginx answers HTTP-01 from, the deploy hook that reloads nginx
 * after a renewal, and the exact certbot command line (pure; the hook is golden-tested).
 */
import type { TlsConfig } from '../config/types';
import type { Command } from '../shell';
import { managedFile } from './managed';

export const CERTBOT = '/usr/bin/certbot';
export const OPENSSL = '/usr/bin/openssl';
/** Debian's certbot package runs `certbot -q renew` from this timer twice a day. */
export const CERTBOT_TIMER = 'certbot.timer';
export const CERTBOT_SERVICE = 'certbot.service';
/** certbot renews a certificate this many days before it expires; setup re-obtains inside the same window. */
export const RENEW_BEFORE_DAYS = 30;
/** `check --probe` warns when a certificate has fewer days than this left. */
export const EXPIRY_WARNING_DAYS = 14;

export interface AcmeSpec {
  email?: string;
  directory: string;
  /** certbot's lineage name (`--cert-name`): the app's name. */
  certName: string;
  /** Every name of server_name, each proven by HTTP-01. */
  names: string[];
  webroot: string;
  /** /etc/letsencrypt/live/<certName>: certbot's symlinks to the current files. */
  liveDir: string;
  renewalConf: string;
  deployHook: string;
  placedDir: string;
  authHook: string;
  cleanupHook: string;
  /**
   * More than one host behind the names: certbot runs on the primary only; the tool places each
   * challenge file on every host and copies the certificate to every host (see README).
   */
  multiHost: boolean;
}

export interface HostTls {
  /** The files nginx serves. */
  certificate: string;
  key: string;
  listen: number;
  acme?: AcmeSpec;
}

export function acmePaths(app: string) {
  return {
    webroot: `/var/lib/phoenix-deploy/${app}/acme`,
    /** Multi-host mode: a token's marker here says the tool placed its challenge file on every host. */
    placedDir: `/var/lib/phoenix-deploy/${app}/acme-placed`,
    authHook: `/etc/phoenix-deploy/${app}/acme-auth-hook`,
    cleanupHook: `/etc/phoenix-deploy/${app}/acme-cleanup-hook`,
    liveDir: `/etc/letsencrypt/live/${app}`,
    renewalConf: `/etc/letsencrypt/renewal/${app}.conf`,
    deployHook: `/etc/letsencrypt/renewal-hooks/deploy/phoenix-deploy-${app}`,
    /** Multi-host mode: the copy every host serves (certbot's own files live on the primary only). */
    distributedDir: `/etc/phoenix-deploy/${app}/tls`,
  };
}

export function hostTls(app: string, tls: TlsConfig, serverName: string, hostCount: number): HostTls {
  if (!tls.auto) return { certificate: tls.certificate, key: tls.key, listen: tls.listen };
  const paths = acmePaths(app);
  const multiHost = hostCount > 1;
  const dir = multiHost ? paths.distributedDir : paths.liveDir;
  return {
    certificate: `${dir}/fullchain.pem`,
    key: `${dir}/privkey.pem`,
    listen: tls.listen,
    acme: {
      ...(tls.email ? { email: tls.email } : {}),
      directory: tls.directory,
      certName: app,
      names: certificateNames(serverName),
      webroot: paths.webroot,
      liveDir: paths.liveDir,
      renewalConf: paths.renewalConf,
      deployHook: paths.deployHook,
      placedDir: paths.placedDir,
      authHook: paths.authHook,
      cleanupHook: paths.cleanupHook,
      multiHost,
    },
  };
}

/** The names a certificate must cover: every name of `server_name`, in its order. */
export function certificateNames(serverName: string): string[] {
  return [...new Set(serverName.split(' ').filter((n) => n !== ''))];
}

/** nginx lines serving HTTP-01 answers from the webroot; everything else on the port is untouched. */
export function challengeLocation(webroot: string): string[] {
  return [
    '    location ^~ /.well-known/acme-challenge/ {',
    `        root ${webroot};`,
    '        default_type text/plain;',
    '    }',
  ];
}

/**
 * certbot obtains (or replaces, when the names or the CA changed) the lineage, proving each name
 * through `webroot`. Single-host mode only; a renewal then reads the same settings from the
 * lineage's renewal config, so the host's timer renews it the same way.
 */
export function certonlyWebroot(acme: AcmeSpec, names: readonly string[]): Command {
  return ['sudo', '-n', CERTBOT, 'certonly', '--non-interactive', '--agree-tos',
    ...(acme.email ? ['--email', acme.email] : ['--register-unsafely-without-email']),
    '--server', acme.directory, '--cert-name', acme.certName,
    '--webroot', '--webroot-path', acme.webroot, ...names.flatMap((n) => ['-d', n]),
    '--keep-until-expiring', '--expand'];
}

/**
 * certbot runs every executable in renewal-hooks/deploy after it renewed any lineage, with
 * RENEWED_LINEAGE set; this one acts for the app's lineage only, and reloads nginx only when
 * `nginx -t` accepts the configuration (a failing test leaves the old certificate served).
 */
export function renderDeployHook(app: string, acme: AcmeSpec): string {
  const body = [
    '#!/bin/sh',
    `[ "$RENEWED_LINEAGE" = ${acme.liveDir} ] || exit 0`,
    '/usr/sbin/nginx -t -q || { echo "phoenix-deploy: nginx -t failed; nginx keeps the previous certificate" >&2; exit 1; }',
    'exec /usr/bin/systemctl reload nginx.service',
  ].join('\n');
  return script(body.split('\n').slice(1), `The certificate deploy hook of ${app}: reloads nginx after certbot renewed it`);
}

/** How long the primary's auth hook waits for the tool to place a challenge file on every host. */
export const PLACE_TIMEOUT_SECONDS = 300;

/**
 * Multi-host mode: certbot on the primary (manual authenticator) runs this hook per name. It
 * writes the challenge file where nginx serves it, then waits until the tool has copied it to
 * every other host and left a marker, so the CA may ask any host behind the name. A certbot run
 * without the tool (the timer) finds no marker and fails after the wait: those lineages are
 * created with --no-autorenew, so the timer never tries.
 */
export function renderAuthHook(app: string, acme: AcmeSpec): string {
  return script([
    `d=${acme.webroot}/.well-known/acme-challenge`,
    'case "$CERTBOT_TOKEN" in *[!A-Za-z0-9_-]*|"") echo "phoenix-deploy: unexpected token" >&2; exit 1 ;; esac',
    'mkdir -p "$d" && printf "%s" "$CERTBOT_VALIDATION" > "$d/$CERTBOT_TOKEN" && chmod 0644 "$d/$CERTBOT_TOKEN" || exit 1',
    `i=0; while [ ! -e ${acme.placedDir}/"$CERTBOT_TOKEN" ]; do`,
    `  i=$((i + 1)); [ $i -le ${PLACE_TIMEOUT_SECONDS} ] || { echo "phoenix-deploy did not place the challenge on every host within ${PLACE_TIMEOUT_SECONDS} s (renewals of this certificate run from phoenix-deploy setup)" >&2; exit 1; }`,
    '  sleep 1',
    'done',
  ], `The ACME challenge hook of ${app} (several hosts behind one name)`);
}

export function renderCleanupHook(app: string, acme: AcmeSpec): string {
  return script([
    'case "$CERTBOT_TOKEN" in *[!A-Za-z0-9_-]*|"") exit 0 ;; esac',
    `rm -f ${acme.webroot}/.well-known/acme-challenge/"$CERTBOT_TOKEN" ${acme.placedDir}/"$CERTBOT_TOKEN"`,
  ], `The ACME challenge cleanup hook of ${app}`);
}

/** A managed shell script: the shebang stays the first line, the managed header follows it. */
function script(lines: string[], what: string): string {
  return `#!/bin/sh\n${managedFile(lines.join('\n'), what)}`;
}

/** Multi-host mode: certbot on the primary, each challenge placed on every host by the tool. */
export function certonlyManual(acme: AcmeSpec, names: readonly string[]): Command {
  return ['sudo', '-n', CERTBOT, 'certonly', '--non-interactive', '--agree-tos',
    ...(acme.email ? ['--email', acme.email] : ['--register-unsafely-without-email']),
    '--server', acme.directory, '--cert-name', acme.certName,
    '--manual', '--preferred-challenges', 'http', '--manual-auth-hook', acme.authHook, '--manual-cleanup-hook', acme.cleanupHook,
    ...names.flatMap((n) => ['-d', n]), '--no-autorenew', '--keep-until-expiring', '--expand'];
}
