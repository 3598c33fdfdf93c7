/** setup's step for the Dockerfile final stage's packages and locales: only what inspect found missing. */
import { onHosts, runOn } from '../fleet/hosts';
import { UserError } from '../errors';
import type { Step } from '../plan/types';
import { describePerHost, when, work } from '../plan/describe';
import { describeRuntimeNeeds, generateLocalesCommand, installPackagesCommand } from './packages';
import type { SetupHostState, SetupState } from './types';
import type { Command } from '../shell';

/** What the step runs on a host inspect has read: only what it lacks. */
function missingCommands(h: SetupHostState): { install?: Command; generate?: Command } {
  const { packages, locales } = h.missing;
  return {
    install: packages.length > 0 ? installPackagesCommand(packages) : undefined,
    generate: locales.length > 0 ? generateLocalesCommand(locales) : undefined,
  };
}

export const packagesStep: Step<SetupState> = {
  name: 'packages',
  title: 'Install the packages and locales of the Dockerfile\'s final stage',
  finishOnCancel: true,
  describe: (state) => {
    const runtime = state.host.runtime;
    if (!runtime || runtime.packages.length + runtime.locales.length === 0) return [];
    return describePerHost(state.hosts, (h) => {
      if (h.facts) return Object.values(missingCommands(h));
      return [
        ...describeRuntimeNeeds(runtime).map((l) => work(`# ${l}`)),
        runtime.packages.length ? when(installPackagesCommand(runtime.packages), 'only the missing ones (inspect reads what is installed)') : undefined,
        runtime.locales.length ? when(generateLocalesCommand(runtime.locales), 'only the missing ones') : undefined,
      ];
    });
  },
  async run(ctx, state) {
    const stage = state.host.runtime?.finalStage;
    await onHosts(state.hosts, async (h) => {
      const { packages, locales } = h.missing;
      const { install, generate } = missingCommands(h);
      if (install) {
        try {
          await runOn(h, install, ctx, `apt-get install ${packages.join(' ')}`, true);
        } catch (e) {
          if (!(e instanceof UserError)) throw e;
          throw new UserError(`${h.target.key} lacks ${packages.join(', ')}, which the final stage of ${stage?.file ?? 'the Dockerfile'} installs ` +
            `(line ${stage?.packages.find((p) => p.value === packages[0])?.range.line ?? '?'}), and apt-get could not install them: ${e.message}. ` +
            `Install them on the host (apt-get install ${packages.join(' ')}), then run setup again.`, { host: h.target.key });
        }
        state.changed = true;
        ctx.note(`installed ${packages.join(' ')}`, 'info', h.target.key);
      }
      if (generate) {
        await runOn(h, generate, ctx, `locale-gen ${locales.join(' ')}`);
        state.changed = true;
        ctx.note(`generated locale ${locales.join(' ')}`, 'info', h.target.key);
      }
    });
  },
};
