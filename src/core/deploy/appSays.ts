/**
 * A failure on a host leads with what the app said there: its unit's journal since the start,
 * or the `logs:` command on a host the tool doesn't manage. Read only once something failed.
 */
import { describeAppSays } from '../appSays/extract';
import { appSaysSource, readAppSays } from '../appSays/read';
import { managedHost } from '../host/spec';
import { UserError } from '../errors';
import type { DeployState, HostState } from './types';

/** The unit the app runs as on this host: the slot being started (blue/green), else the service. */
function unitOf(state: DeployState, h: HostState): string | undefined {
  if (state.environment.service !== 'systemd' || !state.app) return undefined;
  const host = managedHost(state.app, state.environment);
  if (host.strategy === 'blue_green') return h.slotSwitch ? host.slots.find((s) => s.name === h.slotSwitch!.to)?.unit : undefined;
  return host.serviceUnit;
}

/** Reads (once per failure) what the app said on the host and keeps it on the host's state. */
export async function hearApp(h: HostState, state: DeployState): Promise<string[]> {
  const unit = unitOf(state, h);
  const source = appSaysSource(state.environment, unit, h.startedAt, state.deps.now().getTime());
  if (!source || !h.conn || h.conn.isAlive?.() === false) return [];
  const says = await readAppSays(h.conn, source);
  if (says.length > 0) h.appSays = says;
  return says;
}

/** `message`, led by the app's words when there are any. */
export function ledByApp(h: HostState, state: DeployState, message: string): string {
  if (!h.appSays?.length) return message;
  const unit = unitOf(state, h);
  return `${describeAppSays(`the app on ${h.target.key}${unit ? ` (${unit})` : ''}`, h.appSays)}\n${message}`;
}

/**
 * A failed start or restart's error, led by the app's words when it said any; otherwise (or on a
 * cancel or a timeout, whose kind the caller acts on) the error as it was.
 */
export async function withAppWords(h: HostState, state: DeployState, e: Error): Promise<Error> {
  if (e.name === 'AbortError' || e.name === 'CommandTimeoutError') return e;
  const says = await hearApp(h, state);
  return says.length > 0 ? new UserError(ledByApp(h, state, e.message), { host: h.target.key }) : e;
}

/** The error a failed start, restart or health check throws: the app's words first, then the tool's. */
export async function appFailure(h: HostState, state: DeployState, message: string): Promise<UserError> {
  await hearApp(h, state);
  return new UserError(ledByApp(h, state, message), { host: h.target.key });
}
