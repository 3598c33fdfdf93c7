import { work } from '../../plan/describe';
import { type Step } from '../../plan/types';
import { UserError } from '../../errors';
import { viaText } from '../../ssh/chain';
import { describeTarget } from '../../ssh/targetText';
import { onHosts } from '../../fleet/hosts';
import { reach } from '../undo';
import type { DeployState } from '../types';
import { perHost } from './describe';

/** One verified SSH connection per host (through its bastions), reused by every later step. */
export const connectStep: Step<DeployState> = {
  name: 'connect',
  title: 'Connect over SSH (verify host keys)',
  describe: (state) => perHost(state, (h) => describeTarget(h.target).map(work)),
  async run(ctx, state) {
    await onHosts(state.hosts, async (h) => {
      if (h.target.jumps.length > 0 && state.rsyncTransport === 'openssh') {
        throw new UserError(`${h.target.key} is reached through ${viaText(h.target)}; the openssh rsync transport does not follow that chain, use the tunnel`, { host: h.target.key });
      }
      h.conn = await state.deps.connect(h.target, ctx.signal);
      reach(h, 'connected');
      const via = viaText(h.target);
      ctx.note(`connected${via ? ` via ${via}` : ''}, host key ${h.conn.fingerprint}`, 'info', h.target.key);
    }, ctx);
  },
};
