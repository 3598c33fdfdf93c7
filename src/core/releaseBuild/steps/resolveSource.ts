import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { local } from '../../plan/describe';
import { CENTRAL_REF, checkoutCentralBranch } from '../../git/checkout';
import { describeUndeployed, findUndeployedChanges } from '../../git/local';
import { findWorkTree, resolveRepo } from '../../git/remote';
import { type Step } from '../../plan/types';
import { UserError } from '../../errors';
import { renderCommand } from '../../shell';
import { acquireBuildLock } from '../lock';
import type { BuildState } from '../types';

/** Step 1: the exact tip of the central branch, in an isolated checkout; warn about what is left out. */
export const resolveSourceStep: Step<BuildState> = {
  name: 'resolve-source',
  title: 'Fetch the central branch into the build checkout',
  describe(state) {
    const { repo, branch } = state.options.config;
    const url = state.repo?.url ?? repo;
    return local([
        renderCommand(['git', 'ls-remote', '--exit-code', '--heads', '--', url, `refs/heads/${branch}`]),
        renderCommand(['git', '-C', state.checkoutDir, 'fetch', '--no-tags', '--', url, `+refs/heads/${branch}:${CENTRAL_REF}`]),
        renderCommand(['git', '-C', state.checkoutDir, 'checkout', '--force', '--detach', CENTRAL_REF]),
        renderCommand(['git', '-C', state.options.projectDir, 'status', '--porcelain']) + '   # warn: not deployed',
      ]);
  },
  async run(ctx, state) {
    const { projectDir, config } = state.options;
    state.releaseLock = await acquireBuildLock(path.join(state.cacheRoot, 'locks', `${path.basename(state.checkoutDir)}.lock`),
      `${projectDir} (branch ${config.branch})`);
    const repo = await resolveRepo(projectDir, config.repo, ctx.signal);
    state.repo = repo;
    ctx.output(`Fetching ${config.branch} from ${repo.configured === repo.url ? repo.url : `${repo.configured} (${repo.url})`}\n`);
    const revision = await checkoutCentralBranch({ repo, branch: config.branch, checkoutDir: state.checkoutDir, signal: ctx.signal });
    state.commit = revision.commit;
    state.subject = revision.subject;
    ctx.output(`Building ${config.repo}/${config.branch} at ${revision.commit.slice(0, 7)} "${revision.subject}"\n`);

    const workTree = await findWorkTree(projectDir, ctx.signal);
    if (workTree) {
      state.projectPrefix = workTree.prefix;
      const changes = await findUndeployedChanges(projectDir, workTree, state.checkoutDir, revision.commit, ctx.signal);
      for (const message of describeUndeployed(changes, config.repo, config.branch, revision.commit)) ctx.note(message, 'warning');
    }
    const projectInCheckout = path.join(state.checkoutDir, state.projectPrefix);
    if (!existsSync(path.join(projectInCheckout, 'mix.exs'))) {
      throw new UserError(`${config.repo}/${config.branch} at ${revision.commit.slice(0, 7)} has no ${state.projectPrefix}mix.exs; ` +
        'is repo: in config/deploy.yml the repository of this project, and is the project pushed?', { file: 'config/deploy.yml' });
    }
  },
};
