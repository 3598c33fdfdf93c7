import { type Step } from '../../plan/types';
import { UserError } from '../../errors';
import { migrateCommand } from '../../remote/release';
import { describeAppSays, extractAppSays } from '../../appSays/extract';
import { runQuery, tail } from '../../ssh/runQuery';
import { ANY_EXIT, commandQuery } from '../../remoteQuery';
import type { DeployState } from '../types';
import { perHost } from './describe';

/** Once, on the primary, in the new release with shared/env loaded. A failure stops the deploy before the switch. */
export const migrateStep: Step<DeployState> = {
  name: 'migrate',
  title: 'Run migrations (primary host)',
  describe: (state) => {
    const migrate = state.environment.migrate;
    return migrate ? perHost(state, () => [migrateCommand(state.paths, state.release!.id, migrate)], state.hosts.slice(0, 1)) : [];
  },
  async run(ctx, state) {
    const migrate = state.environment.migrate;
    if (!migrate) {
      ctx.note('no migrate command configured; skipped');
      return;
    }
    const h = state.hosts[0];
    await ctx.onHost(h.target.key, async () => {
      const result = await runQuery(h, commandQuery('the migration', migrateCommand(state.paths, state.release!.id, migrate), ANY_EXIT), { // its failure is told below
        signal: ctx.signal,
        onStdout: (t) => ctx.output(t, h.target.key),
        onStderr: (t) => ctx.output(t, h.target.key),
      });
      if (result.code !== 0) {
        const says = extractAppSays(`${result.stdout}\n${result.stderr}`);
        if (says.length > 0) h.appSays = says;
        const output = says.length > 0 ? describeAppSays(`the migration on ${h.target.key}`, says) : tail(`${result.stdout}${result.stderr}`.trim(), 2000);
        throw new UserError(`${output}\nmigration failed on ${h.target.key} (exit ${result.code}); nothing was switched and the new release is removed.`, { host: h.target.key });
      }
    });
  },
};
