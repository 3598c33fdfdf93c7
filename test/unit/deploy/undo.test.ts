/**
 * The undo list: a deploy that fails at any phase puts back exactly what it had done on the host,
 * newest first, and nothing else. Each case fails one command on a fake host and reads what the
 * run sent after it, named by what each command undoes.
 */
import assert from 'node:assert/strict';
import type { EnvironmentConfig } from '../../../src/core/config/types';
import { runDeploy, type DeployOptions } from '../../../src/core/deploy';
import { createDeployPlan } from '../../../src/core/deploy/plan';
import { runPlan } from '../../../src/core/plan/runner';
import { renderCommand } from '../../../src/core/shell';
import { ConnectionLostError } from '../../../src/core/ssh/connection';
import type { ExecResult } from '../../../src/core/ssh/exec';
import { fakeHost, ID1, isLockTake, isUnlock, NEW, options, type FakeHost } from './fakes';

const never = new AbortController().signal;
const BLUE_GREEN: Partial<EnvironmentConfig> = {
  restart: undefined, service: 'systemd', strategy: 'blue_green', ports: [4001, 4002],
  proxy: { listen: 80, serverName: 'shop.example.com' }, health: { path: '/health', expect: 200, timeout: 1 }, drainTimeout: 5,
};

/** What a command after the failure does, by the change it puts back (or `record`); unknown commands stay as they are. */
function named(text: string): string | undefined {
  if (isUnlock(text)) return 'unlock';
  if (text.includes('kept $2: current points at it')) return 'remove-release';
  if (text.includes('>> /opt/app/deploys.log')) return 'record';
  if (text.includes(`ln -sfn -- releases/${ID1} `)) return 'current-back';
  if (text.includes('@@phoenix-deploy:current=')) return 'read-current';
  if (/ sv restart app$/.test(text)) return 'restart';
  const route = / sh \S+\/upstream-(blue|green)\.conf \S+\/upstream-(?:blue|green)\.conf \S+\/upstream\.conf$/.exec(text);
  if (route) return `route-${route[1]}`;
  const unit = /systemctl (disable|stop) app@(blue|green)\.service$/.exec(text);
  if (unit) return `${unit[1]}-${unit[2]}`;
  if (/^rm -f -- \/opt\/app\/slots\/(blue|green)$/.test(text)) return 'relink-green';
  // Reads, not changes: the slot's settle check, and its journal heard for the error.
  if (text.includes('systemctl show --property=') || text.startsWith('journalctl ')) return undefined;
  return text;
}

interface Fault {
  match: (text: string) => boolean;
  /** Answer the command with this instead of running it. */
  answer?: ExecResult;
  /** The connection dies: before the command reaches the host, or right after it ran there. */
  lose?: 'before' | 'after';
}

/** Options whose connection to `host` fails the first command each fault matches; that command stays in host.commands as the marker. */
function faulty(host: FakeHost, faults: Fault | Fault[], overrides: Partial<EnvironmentConfig> = {}): DeployOptions {
  const o = options([host], overrides);
  const connect = o.deps!.connect!;
  const waiting = [faults].flat();
  o.deps = {
    ...o.deps,
    connect: async (t, signal) => {
      const conn = await connect(t, signal);
      let alive = true;
      return {
        ...conn,
        isAlive: () => alive && conn.isAlive?.() !== false,
        async exec(command, opts) {
          if (!alive) throw new ConnectionLostError(host.key, undefined, 'closed');
          const text = typeof command === 'string' ? command : renderCommand(command);
          const fault = waiting.find((f) => f.match(text));
          if (!fault) return conn.exec(command, opts);
          waiting.splice(waiting.indexOf(fault), 1);
          if (fault.lose === 'after') await conn.exec(command, opts);
          else host.commands.push(text);
          if (fault.answer) return fault.answer;
          alive = false;
          throw new ConnectionLostError(host.key, undefined, 'connection reset');
        },
      };
    },
  };
  return o;
}

/** What the run did after the first command matching `failed`, named. */
function afterFailure(h: FakeHost, failed: (text: string) => boolean): string[] {
  const at = h.commands.findIndex(failed);
  assert.ok(at >= 0, 'the failing command ran');
  return h.commands.slice(at + 1).map(named).filter((n): n is string => n !== undefined);
}

const fail = (code = 1, stdout = ''): ExecResult => ({ code, stdout, stderr: 'boom\n' });
const isPrepare = (t: string) => t.includes(`mv -T -- /opt/app/staging/me_example.com/release /opt/app/releases/${NEW}`);
const isSwitch = (t: string) => t.includes(`ln -sfn -- releases/${NEW} `) && t.includes('mv -T --');
const isPoint = (t: string) => t.includes('/opt/app/slots/green.tmp');
const isStart = (t: string) => t.endsWith('systemctl restart app@green.service');
const isRoute = (t: string) => / sh \S+\/upstream-green\.conf /.test(t);
const isRestart = (t: string) => / sv restart app$/.test(t);
const BAD_LDD = "./erts-13.1.5/bin/beam.smp: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.34' not found (required by ./erts-13.1.5/bin/beam.smp)\n";

/** Below the switch: the failure is recorded, the unused release removed, the lock released. */
const BELOW_SWITCH = ['record', 'remove-release', 'unlock'];
/** Blue/green before the route: the new slot stopped and its link put back first. */
const UNROUTED = ['stop-green', 'relink-green', ...BELOW_SWITCH];

interface Case {
  phase: string;
  host?: Partial<FakeHost>;
  fault?: Fault;
  /** The command after which the undo begins (default: the fault's). */
  failed?: (text: string) => boolean;
  step: string;
  undone: string[];
  current?: string;
}

const restartCases: Case[] = [
  { phase: 'lock (the inspection after it fails)', fault: { match: isLockTake, answer: fail(1, '@@phoenix-deploy:lock-taken\n') }, step: 'lock', undone: ['record', 'unlock'] },
  { phase: 'prepare', fault: { match: isPrepare, answer: fail() }, step: 'prepare', undone: BELOW_SWITCH },
  { phase: 'compat', host: { lddOutput: BAD_LDD }, failed: (t) => t.includes('-exec ldd'), step: 'compat', undone: BELOW_SWITCH },
  { phase: 'migrate', host: { migrateExit: 1 }, failed: (t) => t.includes('bin/migrate'), step: 'migrate', undone: BELOW_SWITCH },
  { phase: 'switch (refused: current never moved)', fault: { match: isSwitch, answer: fail() }, step: 'switch', undone: BELOW_SWITCH },
  { phase: 'switch (the connection lost before the rename)', fault: { match: isSwitch, lose: 'before' }, step: 'switch', undone: ['read-current', ...BELOW_SWITCH] },
  {
    phase: 'switch (the connection lost right after the rename)', fault: { match: isSwitch, lose: 'after' }, step: 'switch',
    undone: ['read-current', 'current-back', 'restart', ...BELOW_SWITCH],
  },
  { phase: 'restart', fault: { match: isRestart, answer: fail() }, step: 'restart', undone: ['current-back', 'restart', ...BELOW_SWITCH] },
  { phase: 'health', host: { health: { [NEW]: 500 } }, failed: isRestart, step: 'health', undone: ['current-back', 'restart', ...BELOW_SWITCH] },
];

const blueGreenCases: Case[] = [
  { phase: 'point', fault: { match: isPoint, answer: fail() }, step: 'point', undone: ['relink-green', ...BELOW_SWITCH] },
  { phase: 'start', fault: { match: isStart, answer: fail() }, step: 'start', undone: UNROUTED },
  { phase: 'health of the new slot', host: { statusOf: (url) => (url.includes(':4002/') ? 500 : undefined) }, failed: isStart, step: 'health', undone: UNROUTED },
  { phase: 'route (nginx -t refuses)', fault: { match: isRoute, answer: fail() }, step: 'route', undone: UNROUTED },
  { phase: 'switch (refused)', fault: { match: isSwitch, answer: fail() }, step: 'switch', undone: ['route-blue', 'disable-green', ...UNROUTED] },
  {
    phase: 'switch (the connection lost right after the rename)', fault: { match: isSwitch, lose: 'after' }, step: 'switch',
    undone: ['read-current', 'current-back', 'route-blue', 'disable-green', ...UNROUTED],
  },
];

for (const [strategy, overrides, cases] of [['restart', {}, restartCases], ['blue/green', BLUE_GREEN, blueGreenCases]] as const) {
  describe(`the undo list (${strategy}): a failure puts back exactly what was done, newest first`, () => {
    for (const c of cases) {
      it(`fails at ${c.phase}: ${c.undone.join(', ')}`, async () => {
        const web1 = fakeHost('web1', c.host);
        const o = c.fault ? faulty(web1, c.fault, overrides) : options([web1], overrides);
        const result = await runDeploy(o, () => undefined, never);
        assert.deepEqual([result.ok, result.failedStep], [false, c.step], result.error);
        assert.deepEqual(afterFailure(web1, c.failed ?? c.fault!.match), c.undone);
        assert.equal(web1.current, ID1, 'current is on the release that ran before');
        assert.ok(!web1.releases.includes(NEW), 'the new release is gone');
        assert.equal(result.hosts[0].rolledBack ?? false, c.undone.includes('current-back') || c.undone.includes('route-blue'));
      });
    }
  });
}

describe('the undo list: per host, and what a success keeps', () => {
  it('the second host fails its switch: the first, switched, goes back and restarts; the second undoes only its release', async () => {
    const web1 = fakeHost('web1');
    const web2 = fakeHost('web2');
    const o = options([web1, web2]);
    const connect = o.deps!.connect!;
    o.deps!.connect = async (t, signal) => {
      const conn = await connect(t, signal);
      return t.target.host !== 'web2' ? conn : { ...conn, exec: async (command, opts) => (isSwitch(renderCommand(command as string[])) ? fail() : conn.exec(command, opts)) };
    };
    const result = await runDeploy(o, () => undefined, never);
    assert.deepEqual([result.ok, result.failedStep, result.rolledBack], [false, 'switch', true]);
    assert.deepEqual(afterFailure(web1, isSwitch), ['current-back', 'restart', ...BELOW_SWITCH]);
    assert.deepEqual(web2.commands.slice(-3).map(named), BELOW_SWITCH);
    assert.deepEqual(result.hosts.map((h) => [h.current, h.rolledBack ?? false]), [[ID1, true], [ID1, false]]);
  });

  it('a successful deploy keeps everything but the lock: the list says what stays live', async () => {
    const web1 = fakeHost('web1');
    const { plan, state } = createDeployPlan(options([web1], BLUE_GREEN));
    const run = await runPlan(plan, state, () => undefined, never);
    assert.equal(run.outcome.ok, true);
    assert.deepEqual(state.hosts[0].undo.map((e) => [e.action.kind, e.status]), [
      ['unlock', 'undone'], ['remove-release', 'pending'], ['relink-slot', 'pending'], ['stop-slot', 'pending'], ['route-back', 'pending'], ['current-back', 'pending'],
    ]);
    assert.equal(state.hosts[0].phase, 'switched');
    assert.equal(web1.current, NEW);
    assert.ok(!web1.commands.some((c) => c === 'rm -f -- /opt/app/slots/green' || c.includes('kept $2')), 'nothing of the release was undone');
  });

  it('nginx cannot be routed back: the new slot keeps serving, so it and its release stay; the failure is recorded, the lock released', async () => {
    const web1 = fakeHost('web1');
    const isRouteBack = (t: string) => / sh \S+\/upstream-blue\.conf /.test(t);
    const o = faulty(web1, [{ match: isSwitch, answer: fail() }, { match: isRouteBack, answer: fail() }], BLUE_GREEN);
    const notes: string[] = [];
    const result = await runDeploy(o, (e) => (e.type === 'note' ? notes.push(e.message) : undefined), never);
    assert.deepEqual([result.ok, result.failedStep, result.rolledBack], [false, 'switch', false]);
    assert.deepEqual(afterFailure(web1, isSwitch), ['route-blue', 'record', 'unlock']);
    assert.ok(web1.releases.includes(NEW), 'the release the live slot runs is kept');
    assert.ok(notes.some((n) => n.startsWith('could not route nginx back to blue: ')), notes.join('\n'));
    assert.deepEqual(result.hosts.map((h) => h.liveSlot?.name), ['green']);
  });
});
