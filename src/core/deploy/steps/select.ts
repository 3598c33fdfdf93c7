import { UserError, type Step } from '../../plan/types';
import { rollbackTarget } from '../../remote/cleanup';
import { onHosts } from '../hosts';
import type { DeployState } from '../types';
import { perHost } from './describe';

/**
 * Chooses each host's rollback target from what the lock step saw: `--to ID` if given (it must
 * exist), otherwise the release before the one `current` points at, by id order, never by mtime.
 */
export const selectStep: Step<DeployState> = {
  name: 'select',
  title: 'Choose the release to return to',
  describe: (state) => perHost(state, () => [state.rollbackTo ? `release ${state.rollbackTo}` : 'the release before the one current points at']),
  async run(ctx, state) {
    await onHosts(state.hosts, async (h) => {
      const target = state.rollbackTo ?? rollbackTarget(h.releases, h.previous);
      if (state.rollbackTo && !h.releases.includes(state.rollbackTo)) {
        throw new UserError(`release ${state.rollbackTo} is not on ${h.target.key}; it has: ${h.releases.join(', ') || 'none'}`, { host: h.target.key });
      }
      if (!target) {
        throw new UserError(h.previous
          ? `${h.target.key} has no release older than ${h.previous} to roll back to`
          : `${h.target.key} has no current release; nothing to roll back`, { host: h.target.key });
      }
      if (target === h.previous) throw new UserError(`${target} is already current on ${h.target.key}`, { host: h.target.key });
      h.release = target;
      ctx.note(`${h.previous ?? 'nothing'} → ${target}`, 'info', h.target.key);
    });
  },
};
