/**
 * A unit the tool manages must still be `active` a few seconds after its start. `systemctl restart`
 * returns once the process is exec'd, so a release that exits at once (a Distillery `start` that
 * daemonizes, an app that crashes on boot) would otherwise count as started; with no `health:`
 * nothing else would notice. Read without sudo: `systemctl show` needs no privilege.
 */
import { SYSTEMCTL } from '../host/spec';
import type { Command } from '../shell';
import type { DeployState, HostState } from './types';
import { ANY_EXIT, type RemoteQuery } from '../remoteQuery';
import { runQuery } from '../ssh/runQuery';

/** How long a freshly started unit must stay active, and how often it is looked at meanwhile. */
export const UNIT_SETTLE_SECONDS = 5;
const POLL_MS = 500;

export interface UnitState {
  active: string;
  sub: string;
  result: string;
  restarts: number;
  exitStatus?: number;
}

export const unitStateCommand = (unit: string): Command =>
  [SYSTEMCTL, 'show', '--property=ActiveState,SubState,Result,NRestarts,ExecMainStatus', unit];

export function parseUnitState(stdout: string): UnitState {
  const props = new Map(stdout.split('\n').map((l) => l.trim()).filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]));
  const status = Number(props.get('ExecMainStatus'));
  return {
    active: props.get('ActiveState') ?? 'unknown',
    sub: props.get('SubState') ?? 'unknown',
    result: props.get('Result') ?? 'unknown',
    restarts: Number(props.get('NRestarts') ?? 0) || 0,
    ...(Number.isFinite(status) && props.has('ExecMainStatus') ? { exitStatus: status } : {}),
  };
}

/** Why `s` is not a unit that stayed up (undefined: it is). A restart by systemd means it died meanwhile. */
export function unitTrouble(unit: string, s: UnitState): string | undefined {
  if (s.active === 'active' && s.restarts === 0) return undefined;
  const exit = s.exitStatus !== undefined ? `, its process exited with status ${s.exitStatus}` : '';
  const restarted = s.restarts > 0 ? `, restarted ${s.restarts} time${s.restarts === 1 ? '' : 's'} by systemd` : '';
  const daemonized = s.active === 'inactive' && s.exitStatus === 0 && s.restarts === 0
    ? ' (a start command that returns at once, e.g. one that daemonizes, ends the unit)' : '';
  return `${unit} did not stay active after its start: ${s.active} (${s.sub}), result ${s.result}${exit}${daemonized}${restarted}; ` +
    '`phoenix-deploy logs` shows what the release printed';
}

/** Why `unit` is not fine (a state it cannot be read in counts), or undefined when it is. */
function unitStateQuery(unit: string): RemoteQuery<string | undefined> {
  return {
    what: `reading the state of ${unit}`, command: unitStateCommand(unit), okCodes: ANY_EXIT,
    parse: (result) => (result.code !== 0
      ? `could not read the state of ${unit}: ${result.stderr.trim() || `exit ${result.code}`}`
      : unitTrouble(unit, parseUnitState(result.stdout))),
  };
}

/**
 * Watches `unit` until UNIT_SETTLE_SECONDS after `h.unitStartedAt` (or now): the first bad state
 * fails at once. Sets and returns `h.unitFailure`.
 */
export async function settleUnit(h: HostState, state: DeployState, unit: string, signal: AbortSignal): Promise<string | undefined> {
  const now = () => state.deps.now().getTime();
  const until = (h.unitStartedAt ?? now()) + UNIT_SETTLE_SECONDS * 1000;
  for (;;) {
    const trouble = await runQuery(h, unitStateQuery(unit), { signal });
    if (trouble || now() >= until) {
      h.unitFailure = trouble;
      return trouble;
    }
    await state.deps.sleep(Math.min(POLL_MS, Math.max(0, until - now())), signal);
  }
}

/** The restart strategy's unit, when the restart is the tool's own (`service: systemd`, no `restart:`). */
export function managedServiceUnit(state: DeployState): string | undefined {
  const env = state.environment;
  return env.service === 'systemd' && !env.restart && state.app ? `${state.app}.service` : undefined;
}
