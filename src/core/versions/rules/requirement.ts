import type { RelatedInfo, SourceRange } from '../../findings';
import type { ImageSide } from '../builder';
import type { ProjectContext } from '../context';
import { single, type CheckFinding } from '../findingKit';
import { exactPin } from '../pins';
import { PROJECT_PATHS } from '../project';
import { meetsRequirement, parseElixirRequirement } from '../requirement';
import { inFile } from '../text';
import { capitalize } from './builderVersions';

const MIX = PROJECT_PATHS.mixExs;

/**
 * mix.exs `elixir:` against the pinned and the built Elixir. A warning: Mix refuses to compile,
 * so the build fails loudly rather than shipping something wrong.
 */
export function requirementRules(ctx: ProjectContext, builder: ImageSide | undefined): CheckFinding[] {
  const mix = ctx.mix;
  if (!mix?.elixirRequirement || !mix.elixirRequirementRange) return [];
  const text = mix.elixirRequirement;
  const requirementRange = inFile(MIX, mix.elixirRequirementRange);
  const requirement = parseElixirRequirement(text);
  if (!requirement) {
    return [single('version-unknown', 'info', requirementRange, `Cannot read the Elixir requirement "${text}", so the Elixir versions are not checked against it`)];
  }
  const candidates: Array<{ version: string; range?: SourceRange; label: string }> = [];
  const pinned = exactPin(ctx.pins.effective.elixir);
  if (pinned) {
    candidates.push({ version: pinned.version, range: inFile(pinned.file, pinned.versionRange), label: `${pinned.file} pins elixir ${pinned.version}` });
  }
  if (builder?.elixir) {
    candidates.push({ version: builder.elixir.value, range: builder.elixir.range ?? builder.range, label: `${builder.label} builds with Elixir ${builder.elixir.value}` });
  }
  const failing = candidates.filter((c) => meetsRequirement(requirement, c.version) === false);
  if (failing.length === 0) return [];
  const out: CheckFinding[] = [];
  const sides: RelatedInfo[] = failing.filter((f) => f.range).map((f) => ({ ...f.range!, message: f.label }));
  out.push(single('elixir-requirement', 'warning', requirementRange,
    `${MIX} requires Elixir "${text}", but ${failing.map((f) => f.label).join(' and ')}`, sides));
  for (const f of failing) {
    if (!f.range) continue;
    out.push(single('elixir-requirement', 'warning', f.range,
      `${capitalize(f.label)}, which does not meet the requirement elixir: "${text}" in ${MIX}`,
      [{ ...requirementRange, message: `${MIX} requires Elixir "${text}"` }]));
  }
  return out;
}
