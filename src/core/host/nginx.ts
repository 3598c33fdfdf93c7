/**
 * The nginx site and its upstream, as text (pure; golden-tested). The upstream lives in a file of
 * its own: a deploy switches slots by copying the slot's pre-rendered upstream file over it, so the
 * deploy user can never write arbitrary nginx configuration (which root would load).
 */
import { managedFile } from './managed';
import type { ManagedHost, Slot } from './spec';

const SLOT_MARK = '# live slot: ';

function proxyLocation(connectionVar: string, upstream: string): string[] {
  return [
    '    location / {',
    `        proxy_pass http://${upstream};`,
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

export function renderSite(host: ManagedHost): string {
  const proxy = host.proxy!;
  // A map variable name is global in nginx: a shared name like $connection_upgrade would clash with other sites.
  const connectionVar = `${proxy.upstreamName}_connection`;
  const lines = [
    `include ${proxy.upstreamFile};`,
    '',
    `map $http_upgrade $${connectionVar} {`,
    '    default upgrade;',
    "    ''      close;",
    '}',
    '',
    'server {',
    `    listen ${proxy.listen};`,
    `    server_name ${proxy.serverName};`,
  ];
  if (proxy.tls) {
    const port = proxy.tls.listen === 443 ? '' : `:${proxy.tls.listen}`;
    lines.push(
      `    return 301 https://$host${port}$request_uri;`,
      '}',
      '',
      'server {',
      `    listen ${proxy.tls.listen} ssl;`,
      `    server_name ${proxy.serverName};`,
      `    ssl_certificate ${proxy.tls.certificate};`,
      `    ssl_certificate_key ${proxy.tls.key};`,
    );
  }
  lines.push('', ...proxyLocation(connectionVar, proxy.upstreamName), '}');
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
