/**
 * Before anything is uploaded: every host's shared/env sets each key the release's runtime.exs
 * cannot boot without (keys only are read; values stay on the host). A host missing one stops the
 * deploy with the exact command that sets it. PHX_HOST differing from proxy.server_name is a warning:
 * LiveView's check_origin would refuse every socket.
 */
import type { Step } from '../../plan/types';
import { noted } from '../../plan/describe';
import { UserError } from '../../errors';
import { envKeysCommand, envKeysQuery } from '../../settings/remote';
import { fixCommand, type RequiredSetting } from '../../settings/required';
import type { ReleaseSettings } from '../../settings/release';
import { onHosts } from '../../fleet/hosts';
import { runQuery } from '../../ssh/runQuery';
import type { DeployState } from '../types';
import { perHost } from './describe';

export function settingsStep(settings: ReleaseSettings): Step<DeployState> {
  const serverNames = (state: DeployState) => (settings.readsPhxHost ? state.environment.proxy?.serverName ?? '' : '');
  return {
    name: 'settings',
    title: 'Check shared/env has the settings the release needs (keys only)',
    describe: (state) => perHost(state, () => [noted(envKeysCommand(state.paths.sharedEnv, serverNames(state)),
      `needs: ${settings.required.map((s) => s.key).join(', ') || 'nothing'}`)]),
    async run(ctx, state) {
      const missing = new Map<string, RequiredSetting[]>();
      await onHosts(state.hosts, async (h) => {
        const read = await runQuery(h, envKeysQuery(state.paths.sharedEnv, serverNames(state)), { signal: ctx.signal });
        const lacking = settings.required.filter((s) => !read.keys.includes(s.key));
        if (lacking.length > 0) missing.set(h.target.key, lacking);
        if (read.phxHost === 'differs' || read.phxHost === 'unset') {
          const warning = read.phxHost === 'differs'
            ? `PHX_HOST in ${state.paths.sharedEnv} is not proxy.server_name (${state.environment.proxy?.serverName}): LiveView's check_origin will refuse every socket; fix it with \`phoenix-deploy env set PHX_HOST=${state.environment.proxy?.serverName?.split(' ')[0]} --env ${state.environment.name}\``
            : `PHX_HOST is not set in ${state.paths.sharedEnv}, so the app's URLs use runtime.exs's default host, not proxy.server_name (${state.environment.proxy?.serverName}); set it with \`phoenix-deploy env set PHX_HOST=${state.environment.proxy?.serverName?.split(' ')[0]} --env ${state.environment.name}\``;
          ctx.note(warning, 'warning', h.target.key);
          state.warnings.push(`${h.target.key}: ${warning}`);
        }
      }, ctx);
      if (missing.size === 0) return;
      throw new UserError(missingSettingsMessage(missing, state.environment.name), { host: [...missing.keys()][0] });
    },
  };
}

/** Per host, the missing keys; then one command per key; then where the release asks for them. */
export function missingSettingsMessage(missing: ReadonlyMap<string, readonly RequiredSetting[]>, environment: string): string {
  const keys = [...new Map([...missing.values()].flat().map((s) => [s.key, s])).values()];
  return [
    'shared/env lacks settings the release cannot start without; nothing was uploaded.',
    ...[...missing].map(([host, lacking]) => `${host}: ${lacking.map((s) => s.key).join(', ')}`),
    'Set them with:',
    ...keys.map((s) => `  ${fixCommand(s.key, environment)}`),
    `(the release's ${keys.map((s) => `${s.file}:${s.line} ${s.key} (${s.how})`).join('; ')})`,
  ].join('\n');
}
