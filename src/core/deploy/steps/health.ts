import { type Step } from '../../plan/types';
import { UserError } from '../../errors';
import { hearApp, ledByApp } from '../appSays';
import { noted, work } from '../../plan/describe';
import { managedServiceUnit, settleUnit, UNIT_SETTLE_SECONDS, unitStateCommand } from '../unitState';
import { onHosts } from '../../fleet/hosts';
import type { DeployState } from '../types';
import { healthUrl } from '../service';
import { all, perHost, type Select } from './describe';
import { describeReport, pollHealth } from './healthPoll';
import { putBackLive } from '../putBack';
import { anyRolledBack } from '../undo';

/**
 * Health from each selected host's side, and the tool's own unit still active a few seconds after
 * its restart (with or without `health:`); any failure rolls every switched host back automatically.
 */
export function healthStep(select: Select = all): Step<DeployState> {
  return {
    name: 'health',
    title: 'Health check',
    finishOnCancel: true,
    describe: (state) => {
      const health = state.environment.health;
      const unit = managedServiceUnit(state);
      return perHost(state, () => [
        work(health
          ? `GET ${healthUrl(state.environment)} through the SSH connection until ${health.expect} (timeout ${health.timeout}s)`
          : `not health-checked: no health configured, so a restart that exits 0 counts as success${unit ? ' if the unit stays active' : ''}`),
        ...(unit ? [noted(unitStateCommand(unit), `until ${UNIT_SETTLE_SECONDS}s after the restart: ActiveState must stay active`)] : []),
      ], select(state));
    },
    async run(ctx, state) {
      const health = state.environment.health;
      const unit = managedServiceUnit(state);
      if (!health) {
        ctx.note(`not health-checked: no health configured in config/deploy.yml, so a restart that exits 0 counted as success${unit ? ` once ${unit} stayed active for ${UNIT_SETTLE_SECONDS}s` : ''}`, 'warning');
        if (!unit) return;
      }
      const hosts = select(state);
      // Each host's cell fails on its own bad answer; the step fails after every host has answered or timed out.
      await onHosts(hosts, async (h) => {
        if (health) {
          h.health = await pollHealth(h, health, state, ctx.signal);
          if (!h.health.ok) throw new UserError(`not healthy after ${health.timeout}s; ${describeReport(h.health, health.expect)}`, { host: h.target.key });
          ctx.note(`healthy: ${h.health.status} ${h.health.body?.trim().slice(0, 100) ?? ''}`, 'info', h.target.key);
        }
        if (unit) {
          const trouble = await settleUnit(h, state, unit, ctx.signal);
          if (trouble) throw new UserError(trouble, { host: h.target.key });
        }
      }, ctx).catch(() => undefined);
      const failed = hosts.filter((h) => (health && !h.health?.ok) || h.unitFailure !== undefined);
      if (failed.length === 0) return;
      // What the app said, read before the rollback restarts the old release over it.
      await Promise.all(failed.map((h) => hearApp(h, state)));
      await putBackLive(state, ctx);
      const lines = failed.map((h) => `${h.target.key}: ${health && !h.health?.ok
        ? `${healthUrl(state.environment)} not healthy after ${health.timeout}s; ${h.health ? describeReport(h.health, health.expect) : 'no answer'}`
        : h.unitFailure}`);
      const rolled = anyRolledBack(state) ? ' Rolled back automatically.' : '';
      // The app's words lead (each host's), then the tool's account of the check.
      const said = failed.flatMap((h) => (h.appSays?.length ? [ledByApp(h, state, '').trimEnd()] : []));
      throw new UserError(`${said.map((x) => `${x}\n`).join('')}health check failed.${rolled}\n${lines.join('\n')}`, { host: failed[0].target.key });
    },
  };
}
