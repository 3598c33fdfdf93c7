import { work } from '../../plan/describe';
import { type Step } from '../../plan/types';
import { UserError } from '../../errors';
import { chooseRollback } from '../../remote/history';
import { onHosts } from '../../fleet/hosts';
import type { DeployState } from '../types';
import { perHost } from './describe';

/**
 * Chooses each host's rollback target from what the lock step saw: `--to ID` if given (it must
 * exist), otherwise the release that was live before the current one became live, as deploys.log
 * records it (so a rollback after `rollback --to X` returns to what ran before X). Only when the log
 * cannot say does it fall back to the newest older id, and it says so. Never by mtime.
 */
export const selectStep: Step<DeployState> = {
  name: 'select',
  title: 'Choose the release to return to',
  describe: (state) => perHost(state, () => [work(state.rollbackTo
    ? `release ${state.rollbackTo}`
    : 'the release that was live before current (from deploys.log; by id order only when the log has no record)')]),
  async run(ctx, state) {
    await onHosts(state.hosts, async (h) => {
      if (state.rollbackTo && !h.releases.includes(state.rollbackTo)) {
        throw new UserError(`release ${state.rollbackTo} is not on ${h.target.key}; it has: ${h.releases.join(', ') || 'none'}`, { host: h.target.key });
      }
      const choice = state.rollbackTo ? undefined : chooseRollback(h.log, h.releases, h.previous);
      const target = state.rollbackTo ?? choice?.target;
      if (!target) {
        throw new UserError(h.previous
          ? `${h.target.key} has no release to roll back to from ${h.previous} (${choice?.source === 'id-order' ? `${choice.reason}, and no older release is there` : 'none found'})`
          : `${h.target.key} has no current release; nothing to roll back`, { host: h.target.key });
      }
      if (target === h.previous) throw new UserError(`${target} is already current on ${h.target.key}`, { host: h.target.key });
      if (!h.releases.includes(target)) {
        throw new UserError(`${h.target.key}: ${target} ran before ${h.previous}, but it is no longer on the host (removed by cleanup?); ` +
          `roll back with --to one of: ${h.releases.filter((r) => r !== h.previous).join(', ') || 'none'}`, { host: h.target.key });
      }
      h.releaseId = target;
      if (choice?.source === 'id-order') ctx.note(`${choice.reason}; falling back to id order`, 'warning', h.target.key);
      const how = choice?.source === 'history' ? ` (live before ${h.previous}, since ${choice.since})` : '';
      ctx.note(`${h.previous ?? 'nothing'} → ${target}${how}`, 'info', h.target.key);
    }, ctx);
  },
};
