/** The app's systemd units and the per-slot environment files, as text (pure; golden-tested). */
import { at } from '../runtime/spec';
import { managedFile } from './managed';
import type { ManagedHost, Slot } from './spec';

/** systemd stops a unit after this long past its drain, so an admin's `systemctl stop` drains too. */
const STOP_MARGIN_SECONDS = 15;

function serviceSection(host: ManagedHost, dir: string, envFile: string): string[] {
  return [
    '[Service]',
    // exec: the unit is "started" once the release's start script runs; health decides the rest.
    'Type=exec',
    `User=${host.user}`,
    `Group=${host.user}`,
    `WorkingDirectory=${dir}`,
    // Later files win: the slot's PORT, RELEASE_NODE and RELEASE_TMP override shared/env.
    ...(host.runtimeEnvFile ? [`EnvironmentFile=${host.runtimeEnvFile}`] : []),
    `EnvironmentFile=${host.paths.sharedEnv}`,
    `EnvironmentFile=${envFile}`,
    // The launcher runs bin/server (phx.gen.release) or `bin/<app> start`, or `foreground` for a
    // Distillery release: whichever release the dir holds when the unit starts.
    `ExecStart=/bin/sh ${host.launcher} ${dir}`,
    'Restart=on-failure',
    'RestartSec=2',
    `TimeoutStopSec=${host.drainTimeout + STOP_MARGIN_SECONDS}`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
  ];
}

/** blue/green: one template, one instance per slot (`<app>@blue`, `<app>@green`). */
function templateUnit(host: ManagedHost): string {
  return [
    '[Unit]',
    `Description=${host.app} (${host.environment}), %i slot`,
    `Wants=network-online.target ${host.epmdUnit}`,
    `After=network-online.target ${host.epmdUnit}`,
    '',
    ...serviceSection(host, `${host.paths.root}/slots/%i`, `${host.configDir}/%i.env`),
  ].join('\n');
}

function serviceUnit(host: ManagedHost): string {
  return [
    '[Unit]',
    `Description=${host.app} (${host.environment})`,
    'Wants=network-online.target',
    'After=network-online.target',
    '',
    ...serviceSection(host, host.paths.current, host.serviceEnvFile!),
  ].join('\n');
}

export function renderAppUnit(host: ManagedHost): string {
  return managedFile(host.strategy === 'blue_green' ? templateUnit(host) : serviceUnit(host), `The systemd unit of ${host.app}`);
}

/**
 * epmd outside both slots' cgroups: a slot that starts epmd itself takes it down when it stops,
 * and the other slot's node name would vanish with it. It runs the epmd of whichever release a
 * slot holds (they are all ERTS-embedded); `$$` is systemd's escape for a literal `$`.
 */
export function renderEpmdUnit(host: ManagedHost): string {
  return managedFile([
    '[Unit]',
    `Description=epmd for the slots of ${host.app} (${host.environment})`,
    '',
    '[Service]',
    'Type=exec',
    `User=${host.user}`,
    `ExecStart=/bin/sh -c 'for e in "$$1"/slots/*/erts-*/bin/epmd; do if [ -x "$$e" ]; then exec "$$e"; fi; done; echo "no release under $$1/slots has epmd" >&2; exit 1' epmd ${host.paths.root}`,
    'Restart=on-failure',
    'RestartSec=2',
  ].join('\n'), `epmd for ${host.app}'s slots`);
}

/** systemd EnvironmentFile syntax: KEY=VALUE lines; the values are validated names and numbers. */
export function renderSlotEnv(host: ManagedHost, slot: Slot): string {
  // RELEASE_DISTRIBUTION too: an env.sh that keeps `${RELEASE_DISTRIBUTION:-name}` as its default must not turn the slot's short name long.
  return managedFile([`PORT=${slot.port}`, 'RELEASE_DISTRIBUTION=sname', `RELEASE_NODE=${slot.node}`, `RELEASE_TMP=${slot.tmp}`, `RELEASE_MUTABLE_DIR=${slot.tmp}`].join('\n'),
    `The ${slot.name} slot of ${host.app}`);
}

export function renderServiceEnv(host: ManagedHost, port: number): string {
  return managedFile([`PORT=${port}`, `RELEASE_MUTABLE_DIR=${host.serviceMutableDir}`].join('\n'), `The port and state directory of ${host.app}`);
}

/** systemd EnvironmentFile syntax; a value with anything but plain characters is double-quoted. */
function envLine(name: string, value: string): string {
  return /^[A-Za-z0-9_.:/@%+,=-]*$/.test(value) ? `${name}=${value}` : `${name}="${value.replace(/[\\"$`]/g, '\\$&')}"`;
}

/**
 * What the release needs from its project before shared/env (which wins): the Dockerfile final
 * stage's ENV, and PHX_SERVER=true when the runtime config gates the server on it.
 */
export function renderRuntimeEnv(host: ManagedHost): string {
  const lines = (host.runtime?.environment ?? []).flatMap((v) => [`# ${at(v.from)}`, envLine(v.name, v.value)]);
  return managedFile(lines.join('\n'), `The environment ${host.app}'s project asks for (shared/env overrides it)`);
}
