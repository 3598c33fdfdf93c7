/**
 * The nginx site and its upstream, as text (pure; golden-tested). The upstream lives in a file of
 * its own: a deploy switches slots by copying the slot's pre-rendered upstream file over it, so the
 * deploy user can never write arbitrary nginx configuration (which root would load).
 */
import { challengeLocation } from './acme';
import { managedFile } from './managed';
import type { ManagedHost, Slot } from './spec';

const SLOT_MARK = '# live slot: ';
/** The address nginx connects to the app from for upgraded and streaming requests (see sourceMap). */
export const LONG_LIVED_SOURCE = '127.0.0.2';
/** A digested file name as `mix phx.digest` writes it: `<name>-<32 hex md5>.<ext>` (also .gz, .br). */
const DIGESTED = '"-[0-9a-f]{32}\\.[^/]+$"';

function proxyLocation(name: string, connectionVar: string, sourceVar: string, upstream: string): string[] {
  return [
    `    location ${name} {`,
    `        proxy_pass http://${upstream};`,
    `        proxy_bind $${sourceVar};`,
    '        proxy_http_version 1.1;',
    '        proxy_set_header Upgrade $http_upgrade;',
    `        proxy_set_header Connection $${connectionVar};`,
    '        proxy_set_header Host $host;',
    '        proxy_set_header X-Real-IP $remote_addr;',
    '        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    '        proxy_set_header X-Forwarded-Proto $scheme;',
    '        proxy_set_header X-Forwarded-Host $host;',
    '        proxy_set_header X-Forwarded-Port $server_port;',
    '    }',
  ];
}

/**
 * Upgraded requests (WebSocket), event streams and Phoenix's long-poll reach the app from
 * LONG_LIVED_SOURCE, everything else from 127.0.0.1: after a switch the drain waits only for
 * connections from 127.0.0.1 to the old slot, then stops it, and the app closes the others itself.
 */
function sourceMap(sourceVar: string): string[] {
  return [
    `map "$http_upgrade|$http_accept|$uri" $${sourceVar} {`,
    '    default 127.0.0.1;',
    `    "~^[^|]+\\|" ${LONG_LIVED_SOURCE};`,
    `    "~\\|[^|]*text/event-stream" ${LONG_LIVED_SOURCE};`,
    `    "~/longpoll$" ${LONG_LIVED_SOURCE};`,
    '}',
  ];
}

/** Digested assets from every kept release (links under staticDir), so pages of the previous release keep theirs. */
function staticLocations(host: ManagedHost): string[] {
  const tries = Array.from({ length: host.staticLinks }, (_, i) => `/${i}$uri`).join(' ');
  const shared = host.sharedPaths.filter((p) => p.path.startsWith('priv/static/'));
  return [
    `    location ~ ${DIGESTED} {`,
    `        root ${host.staticDir};`,
    `        try_files ${tries} @app;`,
    '        add_header Cache-Control "public, max-age=31536000, immutable";',
    '    }',
    ...shared.flatMap((p) => [
      '',
      `    location ^~ /${p.path.slice('priv/static/'.length)}/ {`,
      `        root ${host.paths.shared}/priv/static;`,
      '        try_files $uri @app;',
      '        add_header X-Content-Type-Options nosniff;',
      '    }',
    ]),
  ];
}

export function renderSite(host: ManagedHost): string {
  const proxy = host.proxy!;
  // A map variable name is global in nginx: a shared name like $connection_upgrade would clash with other sites.
  const connectionVar = `${proxy.upstreamName}_connection`;
  const sourceVar = `${proxy.upstreamName}_source`;
  const lines = [
    `include ${proxy.upstreamFile};`,
    '',
    `map $http_upgrade $${connectionVar} {`,
    '    default upgrade;',
    "    ''      close;",
    '}',
    '',
    ...sourceMap(sourceVar),
    '',
    'server {',
    `    listen ${proxy.listen};`,
    `    server_name ${proxy.serverName};`,
  ];
  // tls: auto answers HTTP-01 on the HTTP port, before and after the certificate exists (renewals).
  const challenge = proxy.challengeRoot ? challengeLocation(proxy.challengeRoot) : [];
  if (proxy.tls) {
    const port = proxy.tls.listen === 443 ? '' : `:${proxy.tls.listen}`;
    const redirect = `return 301 https://$host${port}$request_uri;`;
    lines.push(
      ...(challenge.length > 0 ? ['', ...challenge, '', '    location / {', `        ${redirect}`, '    }'] : [`    ${redirect}`]),
      '}',
      '',
      'server {',
      `    listen ${proxy.tls.listen} ssl;`,
      `    server_name ${proxy.serverName};`,
      `    ssl_certificate ${proxy.tls.certificate};`,
      `    ssl_certificate_key ${proxy.tls.key};`,
    );
  }
  lines.push('', ...(proxy.tls || challenge.length === 0 ? [] : [...challenge, '']), ...staticLocations(host), '',
    ...proxyLocation('/', connectionVar, sourceVar, proxy.upstreamName), '',
    ...proxyLocation('@app', connectionVar, sourceVar, proxy.upstreamName), '}');
  return managedFile(lines.join('\n'), `The nginx site of ${host.app} (${host.environment})`);
}

/** The upstream naming one port; with blue/green, a slot's. */
export function renderUpstream(host: ManagedHost, port: number, slot?: Slot): string {
  const proxy = host.proxy!;
  return managedFile([
    ...(slot ? [`${SLOT_MARK}${slot.name}`] : []),
    `upstream ${proxy.upstreamName} {`,
    `    server 127.0.0.1:${port};`,
    '}',
  ].join('\n'), `The upstream of ${host.app} (${host.environment})`);
}

/** A sed script printing the live slot's name from an upstream file (as `replacement`, `\\1` being the name). */
export function liveSlotSed(replacement = '\\1'): string {
  return `s/^${SLOT_MARK}\\([a-z]*\\)$/${replacement}/p`;
}

/** The slot the live upstream file routes to, read from its marker; undefined when it names none. */
export function liveSlotOf(upstreamText: string | undefined): string | undefined {
  return upstreamText?.split('\n').find((l) => l.startsWith(SLOT_MARK))?.slice(SLOT_MARK.length).trim() || undefined;
}
