import { UserError, type Step } from '../../plan/types';
import { onHosts } from '../hosts';
import type { DeployState } from '../types';
import { perHost } from './describe';

/** One verified SSH connection per host, reused by every later step. */
export const connectStep: Step<DeployState> = {
  name: 'connect',
  title: 'Connect over SSH (verify host keys)',
  describe: (state) => perHost(state, (h) => [
    `ssh ${h.target.target.user}@${h.target.target.host} -p ${h.target.target.port}` +
    ` (known_hosts ${h.target.knownHostsFile}; ssh-agent, then ${h.target.identityFile ?? 'no identity file'})`,
  ]),
  async run(ctx, state) {
    await onHosts(state.hosts, async (h) => {
      if (h.target.proxyJump) {
        throw new UserError(`~/.ssh/config sets ProxyJump ${h.target.proxyJump} for ${h.target.key}; bastion hosts are not supported yet`, { host: h.target.key });
      }
      h.conn = await state.services.connect(h.target, ctx.signal);
      ctx.note(`connected, host key ${h.conn.fingerprint}`, 'info', h.target.key);
    });
  },
};
