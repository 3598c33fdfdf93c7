/**
 * blue/green, before anything is uploaded: the release's own env.sh must not override the slot's
 * node identity (the start script sources it after the unit's environment), or the second slot
 * to start on a host refuses with "the name … seems to be in use". Refuses with the line and the
 * exact change; reads the built release's env.sh, and names the project's rel/env.sh(.eex) line.
 */
import { readFile } from 'node:fs/promises';
import { local } from '../../plan/describe';
import { join } from 'node:path';
import { UserError } from '../../errors';
import type { Step } from '../../plan/types';
import { deferringValue, ENV_SH_PATHS, identityOverrides, readEnvSh } from '../../runtime/envSh';
import { readProjectFile } from '../../versions/project';
import type { DeployState } from '../types';

/** The built release's `releases/<vsn>/env.sh`, as its start script will source it. */
export async function releaseEnvSh(dir: string, version: string): Promise<{ path: string; text: string } | undefined> {
  const startErl = await readFile(join(dir, 'releases', 'start_erl.data'), 'utf8').catch(() => '');
  const vsn = startErl.trim().split(/\s+/)[1] ?? version;
  const path = `releases/${vsn}/env.sh`;
  const text = await readProjectFile(join(dir, path));
  return text === undefined ? undefined : { path, text };
}

async function projectEnvSh(projectDir: string | undefined): Promise<{ path: string; text: string } | undefined> {
  for (const path of projectDir ? ENV_SH_PATHS : []) {
    const text = await readProjectFile(join(projectDir!, path));
    if (text !== undefined) return { path, text };
  }
  return undefined;
}

export const slotIdentityStep: Step<DeployState> = {
  name: 'identity',
  title: 'Check that the release leaves each slot its node name (env.sh)',
  describe: (state) => local([`read ${state.release?.path ?? '<release>'}/releases/<vsn>/env.sh: no unconditional export of RELEASE_NODE or RELEASE_DISTRIBUTION`]),
  async run(ctx, state) {
    const release = state.release!;
    const built = await releaseEnvSh(release.path, release.version);
    if (!built) return;
    const overrides = identityOverrides(readEnvSh(built.text));
    if (overrides.length === 0) return;
    const source = await projectEnvSh(state.projectDir);
    const sourceLines = source?.text.split('\n');
    const lines = overrides.map((e) => {
      const own = sourceLines?.[e.line - 1];
      const mine = own !== undefined ? readEnvSh(own).find((s) => s.name === e.name) : undefined;
      const where = mine ? `${source!.path}:${e.line}` : `${built.path}:${e.line} in the release`;
      const fixed = mine ? `export ${e.name}=${deferringValue(mine)}` : `export ${e.name}=${deferringValue(e)}`;
      return `  ${where}: ${(mine ? own! : built.text.split('\n')[e.line - 1]).trim()}\n    change it to: ${fixed}`;
    });
    throw new UserError(`the release's env.sh sets the node's identity for every node it starts, after the unit's environment, so both blue/green slots ` +
      `of ${state.environment.name} would get one (the second to start refuses: "the name … seems to be in use by another Erlang node"):\n${lines.join('\n')}\n` +
      'With the change the slot\'s own RELEASE_NODE and RELEASE_DISTRIBUTION win, and the file\'s value stays the default elsewhere. ' +
      '`phoenix-deploy check` shows the same at the line (the editor offers the change as a quick fix). Nothing was uploaded.');
  },
};
