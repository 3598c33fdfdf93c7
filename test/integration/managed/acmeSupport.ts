/**
 * A test ACME CA on a Docker network of the test: Debian's pebble, and pebble-challtestsrv as the
 * DNS server of pebble and of the hosts (their `--dns`; Docker's resolver still answers container
 * names). The hosts (local/phx-acme-host: the systemd host plus certbot) trust the throwaway CA of
 * pebble's own listener through the system store (update-ca-certificates), which Debian's certbot
 * reads: no flag or variable in the tool. Names, ports and containers are pd26-.
 */
import * as https from 'node:https';
import type { PeerCertificate, TLSSocket } from 'node:tls';
import { onHost, run, startHosts, stopHosts, type ManagedTestHost } from './support';

export const NET = 'pd26-acme';
export const PEBBLE = 'pd26-pebble';
export const DNS = 'pd26-acme-dns';
export const DIRECTORY = `https://${PEBBLE}:14000/dir`;

const ip = async (name: string) => (await run('docker', ['inspect', '-f', `{{ (index .NetworkSettings.Networks "${NET}").IPAddress }}`, name])).stdout.trim();

export async function startCa(): Promise<void> {
  await stopCa();
  await run('docker', ['network', 'create', NET]);
  // No default address: a name nobody added does not resolve.
  await run('docker', ['run', '-d', '--pull', 'never', '--name', DNS, '--hostname', DNS, '--network', NET, 'local/pebble:bookworm',
    '/usr/bin/pebble-challtestsrv', '-defaultIPv4', '', '-defaultIPv6', '', '-dns01', ':53', '-http01', '', '-https01', '', '-tlsalpn01', '', '-management', ':8055']);
  await run('docker', ['run', '-d', '--pull', 'never', '--name', PEBBLE, '--hostname', PEBBLE, '--network', NET,
    '-e', `PEBBLE_DNS=${await ip(DNS)}:53`, '-e', 'PEBBLE_VA_NOSLEEP=1', '-e', 'PEBBLE_WFE_NONCEREJECT=0',
    // Every order validates afresh: a reused authorization would let a renewal succeed whatever DNS says.
    '-e', 'PEBBLE_AUTHZREUSE=0', 'local/pebble:bookworm']);
}

export async function stopCa(): Promise<void> {
  await run('docker', ['rm', '-f', PEBBLE, DNS]).catch(() => undefined);
  // Containers a killed run left on the network (its hosts; only this test's containers join it).
  const left = (await run('docker', ['network', 'inspect', '-f', '{{range .Containers}}{{.Name}} {{end}}', NET]).catch(() => ({ stdout: '' }))).stdout.trim();
  if (left) await run('docker', ['rm', '-f', ...left.split(' ')]).catch(() => undefined);
  await run('docker', ['network', 'rm', NET]).catch(() => undefined);
}

/** ACME hosts on the test's network, resolving through pebble-challtestsrv, trusting pebble's listener. */
export async function startAcmeHosts(hosts: ManagedTestHost[]): Promise<void> {
  const dns = await ip(DNS);
  const before = { image: process.env.SYSTEMD_HOST_IMAGE, args: process.env.SYSTEMD_HOST_DOCKER_ARGS };
  process.env.SYSTEMD_HOST_IMAGE = 'local/phx-acme-host:bookworm';
  process.env.SYSTEMD_HOST_DOCKER_ARGS = `--network ${NET} --dns ${dns}`;
  try {
    await startHosts(hosts);
  } finally {
    restoreEnv('SYSTEMD_HOST_IMAGE', before.image);
    restoreEnv('SYSTEMD_HOST_DOCKER_ARGS', before.args);
  }
  const ca = (await run('docker', ['exec', PEBBLE, 'cat', '/pebble/listener-ca.pem'])).stdout;
  for (const h of hosts) await onHost(h, `printf '%s' '${ca}' > /usr/local/share/ca-certificates/pd26-pebble-listener.crt && update-ca-certificates >/dev/null 2>&1`);
}

export { stopHosts };

function restoreEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** Makes `name` resolve (for pebble and the hosts) to these hosts' (or containers') addresses on the test network. */
export async function pointName(name: string, hosts: ManagedTestHost[], containers: string[] = hosts.map((h) => h.name)): Promise<void> {
  const addresses = await Promise.all(containers.map(ip));
  await onHost(hosts[0], `curl -sf -d '${JSON.stringify({ host: `${name}.`, addresses })}' http://${DNS}:8055/add-a`);
}

/** pebble's root (it makes a new one at every start): what issued certificates chain to. */
export async function pebbleRoot(via: ManagedTestHost): Promise<string> {
  return onHost(via, `curl -sfk https://${PEBBLE}:15000/roots/0`);
}

/** GET over HTTPS to a host's published port, with SNI `name`, verified against `ca` (none: unverified). */
export function httpsGet(port: number, name: string, ca?: string, path = '/health'): Promise<{ status: number; body: string; cert: PeerCertificate }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path, servername: name, headers: { Host: name }, agent: false, timeout: 15_000,
      ...(ca ? { ca, checkServerIdentity: (host: string, cert: PeerCertificate) => require('node:tls').checkServerIdentity(name, cert) } : { rejectUnauthorized: false }) }, (res) => {
      const cert = (res.socket as TLSSocket).getPeerCertificate();
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.trim(), cert }));
    });
    req.on('timeout', () => req.destroy(new Error('no answer within 15 s')));
    req.on('error', reject);
  });
}
