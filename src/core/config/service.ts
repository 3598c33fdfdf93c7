/**
 * The keys of a host the tool manages: `service`, `strategy`, `ports`, `proxy`, `drain_timeout`.
 * Their values end up in systemd units, sudoers and nginx files, so they are constrained tightly
 * here; every wrong value is a finding at its own line.
 */
import { isMap, isScalar, isSeq, type Node, type YAMLMap } from 'yaml';
import type { DeployStrategy, EnvironmentConfig, HealthConfig, ProxyConfig } from './types';
import type { Validator } from './validator';
import { readTls, refuseWildcards } from './tls';

// nginx server_name: host names, wildcards (*.example.com, .example.com) or `_`, separated by spaces.
const SERVER_NAME = /^(?:_|\*?\.?[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*)(?: (?:_|\*?\.?[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*)){0,15}$/;

export const DEFAULT_DRAIN_TIMEOUT = 30;
export const DEFAULT_PORTS: Record<DeployStrategy, number[]> = { restart: [4000], blue_green: [4001, 4002] };

type ServiceKeys = Pick<EnvironmentConfig, 'service' | 'strategy' | 'ports' | 'proxy' | 'drainTimeout'>;

export function readService(v: Validator, map: YAMLMap, where: string, health: HealthConfig | undefined): ServiceKeys {
  const service = v.string(map, 'service', where, /^systemd$/, 'expected systemd (or leave "service" out for a host whose service you manage yourself)') as 'systemd' | undefined;
  const strategy = v.string(map, 'strategy', where, /^(restart|blue_green)$/, 'expected restart or blue_green') as DeployStrategy | undefined;
  const proxy = readProxy(v, map, where);
  const ports = readPorts(v, map, where, strategy ?? 'restart');
  const drainTimeout = v.integer(map, 'drain_timeout', where, 0, 3600);
  const strategyNode = v.get(map, 'strategy');
  if (strategy === 'blue_green') {
    if (!map.has('service')) v.error(strategyNode, `${where}.strategy blue_green needs "service: systemd": the tool runs the two slots as systemd units`);
    if (!map.has('proxy')) v.error(strategyNode, `${where}.strategy blue_green needs "proxy" (e.g. { listen: 80, server_name: shop.example.com }): nginx switches traffic between the slots`);
    if (map.has('restart')) v.error(v.get(map, 'restart'), `${where}.restart is not used with strategy blue_green (the tool starts and stops the slots); remove it`);
    if (!map.has('health')) {
      v.error(strategyNode, `${where}.strategy blue_green needs "health" (e.g. { path: /health }): a slot takes traffic only once it answers there`);
    } else if (health?.url !== undefined) {
      v.error(v.get(v.get(map, 'health') as YAMLMap, 'url'), `${where}.health.url is not used with strategy blue_green: set health.path, which is checked on each slot's own port`);
    } else if (health && health.path === undefined) {
      v.error(v.get(map, 'health'), `${where}.health needs "path" with strategy blue_green`);
    }
  }
  if (drainTimeout !== undefined && strategy !== 'blue_green') {
    v.error(v.get(map, 'drain_timeout'), `${where}.drain_timeout only applies to strategy blue_green`);
  }
  for (const [port, node] of listenPorts(v, map, proxy)) {
    if (ports?.includes(port)) v.error(node, `${where}: port ${port} is both an app port and an nginx listen port`);
  }
  return {
    ...(service ? { service } : {}), ...(strategy ? { strategy } : {}), ...(ports ? { ports } : {}),
    ...(proxy ? { proxy } : {}), ...(drainTimeout !== undefined ? { drainTimeout } : {}),
  };
}

function readPorts(v: Validator, map: YAMLMap, where: string, strategy: DeployStrategy): number[] | undefined {
  if (!map.has('ports')) return undefined;
  const node = v.get(map, 'ports');
  const want = DEFAULT_PORTS[strategy].length;
  if (!isSeq(node)) {
    v.error(node, `${where}.ports must be a list of ${want} port number${want === 1 ? '' : 's'}, e.g. [${DEFAULT_PORTS[strategy].join(', ')}]`, map);
    return undefined;
  }
  const ports: number[] = [];
  node.items.forEach((item, i) => {
    if (!isScalar(item) || typeof item.value !== 'number' || !Number.isInteger(item.value) || item.value < 1 || item.value > 65535) {
      v.error(item as Node, `${where}.ports[${i}] must be a port number from 1 to 65535`, node);
    } else if (ports.includes(item.value)) {
      v.error(item as Node, `${where}.ports lists ${item.value} twice; each slot needs its own port`);
    } else {
      ports.push(item.value);
    }
  });
  if (ports.length !== node.items.length) return undefined;
  if (ports.length !== want) {
    v.error(node, strategy === 'blue_green'
      ? `${where}.ports must list 2 ports with strategy blue_green (one per slot, e.g. [4001, 4002]); it lists ${ports.length}`
      : `${where}.ports must list 1 port with strategy restart (e.g. [4000]); it lists ${ports.length}`);
    return undefined;
  }
  return ports;
}

function readProxy(v: Validator, map: YAMLMap, where: string): ProxyConfig | undefined {
  const node = v.get(map, 'proxy');
  if (node === undefined) return undefined;
  const at = `${where}.proxy`;
  const proxy = v.map(node, at, ['listen', 'server_name', 'tls'], ['server_name'], map);
  if (!proxy) return undefined;
  const listen = v.integer(proxy, 'listen', at, 1, 65535) ?? 80;
  const serverName = v.string(proxy, 'server_name', at, SERVER_NAME, 'host names separated by spaces (e.g. shop.example.com www.shop.example.com), or _');
  const tls = readTls(v, proxy, at);
  if (tls?.auto && serverName !== undefined) refuseWildcards(v, proxy, at, serverName);
  if (tls && tls.listen === listen) v.error(v.get(proxy, 'listen'), `${at}.listen ${listen} is also tls.listen; HTTP redirects to HTTPS, so they must differ`);
  if (serverName === undefined || (proxy.has('tls') && !tls)) return undefined;
  return { listen, serverName, ...(tls ? { tls } : {}) };
}

function listenPorts(v: Validator, map: YAMLMap, proxy: ProxyConfig | undefined): Array<[number, Node | undefined]> {
  if (!proxy) return [];
  const proxyNode = v.get(map, 'proxy') as YAMLMap;
  const out: Array<[number, Node | undefined]> = [[proxy.listen, v.get(proxyNode, 'listen') ?? proxyNode]];
  const tlsNode = v.get(proxyNode, 'tls');
  if (proxy.tls) out.push([proxy.tls.listen, (isMap(tlsNode) ? v.get(tlsNode, 'listen') : undefined) ?? proxyNode]);
  return out;
}
