import { UserError, type Step } from '../../plan/types';
import { onHosts } from '../hosts';
import type { DeployState } from '../types';
import { healthUrl } from '../service';
import { perHost } from './describe';
import { describeReport, pollHealth } from './healthPoll';
import { rollBackSwitched } from './switch';

/** Health from each host's side; any failure rolls every host back automatically. */
export const healthStep: Step<DeployState> = {
  name: 'health',
  title: 'Health check',
  finishOnCancel: true,
  describe: (state) => {
    const health = state.environment.health;
    return perHost(state, () => [health
      ? `GET ${healthUrl(state.environment)} through the SSH connection until ${health.expect} (timeout ${health.timeout}s)`
      : 'not health-checked: no health configured, so a restart that exits 0 counts as success']);
  },
  async run(ctx, state) {
    const health = state.environment.health;
    if (!health) {
      ctx.note('not health-checked: no health configured in config/deploy.yml, so a restart that exits 0 counted as success', 'warning');
      return;
    }
    await onHosts(state.hosts, async (h) => {
      h.health = await pollHealth(h, health, state, ctx.signal);
      if (h.health.ok) ctx.note(`healthy: ${h.health.status} ${h.health.body?.trim().slice(0, 100) ?? ''}`, 'info', h.target.key);
    });
    const failed = state.hosts.filter((h) => !h.health?.ok);
    if (failed.length === 0) return;
    await rollBackSwitched(state, ctx);
    const lines = failed.map((h) => `${h.target.key}: ${healthUrl(state.environment)} not healthy after ${health.timeout}s; ${describeReport(h.health!, health.expect)}`);
    const rolled = state.rolledBack ? ' Rolled back automatically.' : '';
    throw new UserError(`health check failed.${rolled}\n${lines.join('\n')}`, { host: failed[0].target.key });
  },
};
