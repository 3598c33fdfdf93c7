/** What setup wants on a host: every managed file with its content, mode and the step that installs it. */
import { renderAuthHook, renderCleanupHook, renderDeployHook } from '../host/acme';
import { renderSite, renderUpstream } from '../host/nginx';
import type { ManagedHost, SlotName } from '../host/spec';
import { renderSudoers } from '../host/sudoers';
import { renderLauncher } from '../host/launch';
import { renderAppUnit, renderEpmdUnit, renderRuntimeEnv, renderServiceEnv, renderSlotEnv } from '../host/systemd';

export type FileGroup = 'service' | 'sudoers' | 'proxy' | 'certificate';

export interface DesiredFile {
  path: string;
  content: string;
  /** Octal, as chmod takes it. */
  mode: string;
  group: FileGroup;
}

/**
 * The files for `host`. `liveSlot` is the slot nginx routes to now (read from the host), so a
 * repeated setup rewrites the live upstream to the same slot; a fresh host starts on blue.
 * `httpOnly`: `tls: auto` before the host has a certificate (the site answers HTTP-01, no HTTPS).
 */
export function desiredFiles(host: ManagedHost, liveSlot: SlotName | undefined, options: { httpOnly?: boolean } = {}): DesiredFile[] {
  const files: DesiredFile[] = [];
  const add = (group: FileGroup, path: string, content: string, mode = '0644') => files.push({ path, content, mode, group });
  add('service', host.unitFile, renderAppUnit(host));
  add('service', host.launcher, renderLauncher(host));
  if (host.runtimeEnvFile) add('service', host.runtimeEnvFile, renderRuntimeEnv(host));
  if (host.strategy === 'blue_green') {
    add('service', `/etc/systemd/system/${host.epmdUnit}`, renderEpmdUnit(host));
    for (const slot of host.slots) add('service', slot.envFile, renderSlotEnv(host, slot));
  } else {
    add('service', host.serviceEnvFile!, renderServiceEnv(host, host.servicePort!));
  }
  add('sudoers', host.sudoersFile, renderSudoers(host), '0440');
  if (host.proxy) {
    if (host.strategy === 'blue_green') {
      for (const slot of host.slots) add('proxy', slot.upstreamFile, renderUpstream(host, slot.port, slot));
      const live = host.slots.find((s) => s.name === liveSlot) ?? host.slots[0];
      add('proxy', host.proxy.upstreamFile, renderUpstream(host, live.port, live));
    } else {
      add('proxy', host.proxy.upstreamFile, renderUpstream(host, host.servicePort!));
    }
    add('proxy', host.proxy.siteFile, renderSite(options.httpOnly ? withoutCertificate(host) : host));
    const acme = host.proxy.tls?.acme;
    // Single-host mode renews on the host; multi-host renewals are the tool's (README, "HTTPS").
    if (acme && !acme.multiHost) add('certificate', acme.deployHook, renderDeployHook(host.app, acme), '0755');
    if (acme?.multiHost) {
      add('certificate', acme.authHook, renderAuthHook(host.app, acme), '0755');
      add('certificate', acme.cleanupHook, renderCleanupHook(host.app, acme), '0755');
    }
  }
  return files;
}

/** `host` as served while `tls: auto` has no certificate on it yet: HTTP only, answering HTTP-01. */
export function withoutCertificate(host: ManagedHost): ManagedHost {
  return host.proxy?.tls?.acme ? { ...host, proxy: { ...host.proxy, tls: undefined } } : host;
}

/** Directories the deploy user owns: the layout every deploy uses, the slots' links and RELEASE_TMPs, static links, shared_paths. */
export function desiredDirectories(host: ManagedHost): string[] {
  const p = host.paths;
  const dirs = [p.root, p.releases, p.shared, `${p.root}/cache`];
  if (host.strategy === 'blue_green') dirs.push(`${p.root}/slots`, `${p.root}/tmp`, ...host.slots.map((s) => s.tmp));
  else dirs.push(`${p.root}/tmp`, host.serviceMutableDir!);
  if (host.proxy) dirs.push(host.staticDir);
  // Each shared path and the directories above it, so the deploy user owns all of them.
  for (const { path } of host.sharedPaths) {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) dirs.push(`${p.shared}/${parts.slice(0, i).join('/')}`);
  }
  return [...new Set(dirs)];
}
