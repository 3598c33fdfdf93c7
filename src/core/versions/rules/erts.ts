import type { ProjectContext } from '../context';
import { effectiveIncludeErts, effectiveVmArgs } from '../distillery';
import { single, type CheckFinding } from '../findingKit';
import { releaseFor } from '../mixExs';
import { PROJECT_PATHS } from '../project';
import { inFile, type TextRange } from '../text';

/**
 * The seed's rule: a release embeds ERTS, and servers never need Erlang installed. Without it the
 * release would run on whatever Erlang the server has, not the declared one: an error.
 */
export function ertsRules(ctx: ProjectContext): CheckFinding[] {
  if (ctx.tool === 'distillery') {
    if (!ctx.distillery) return [];
    const setting = effectiveIncludeErts(ctx.distillery, ctx.mixEnv, ctx.app);
    return [
      ...(setting ? check(PROJECT_PATHS.distilleryConfig, setting.value, setting.known, setting.range, `environment :${ctx.mixEnv}`) : []),
      ...vmArgsRule(ctx),
    ];
  }
  const release = ctx.mix ? releaseFor(ctx.mix, ctx.app) : undefined;
  if (!release?.includeErtsRange) return [];
  return check(PROJECT_PATHS.mixExs, release.includeErts, release.includeErtsKnown, release.includeErtsRange, `release ${release.name}`);
}

/** `set vm_args:` naming a file that is not there: Distillery stops the build on it. */
function vmArgsRule(ctx: ProjectContext): CheckFinding[] {
  const vmArgs = effectiveVmArgs(ctx.distillery!, ctx.mixEnv, ctx.app);
  if (!vmArgs || ctx.distilleryVmArgs?.[vmArgs.path] !== false) return [];
  return [single('file-missing', 'error', inFile(PROJECT_PATHS.distilleryConfig, vmArgs.range),
    `vm_args ${JSON.stringify(vmArgs.path)} does not exist, so building the release fails. Create it (it holds the node's -name and -setcookie), or remove this setting to use Distillery's default vm.args.`)];
}

function check(file: string, value: boolean | string, known: boolean, range: TextRange, where: string): CheckFinding[] {
  if (!known) {
    return [single('version-unknown', 'info', inFile(file, range), `include_erts for ${where} is computed, so Phoenix Deploy cannot tell whether the release embeds ERTS; it must`)];
  }
  if (value !== false) return [];
  return [single('erts-not-included', 'error', inFile(file, range),
    `include_erts: false for ${where}: the release would need Erlang installed on every server and run on whatever version is there. Set include_erts: true so that it carries its own ERTS.`,
    undefined,
    [{ ...inFile(file, range), newText: 'include_erts: true', title: 'Set include_erts: true', preferred: true }])];
}
