import type { ImageSide } from '../builder';
import type { ProjectContext } from '../context';
import { disagreement, related, single, type CheckFinding } from '../findingKit';
import { compareOs, formatOs, parseOsSpec, type OsInfo } from '../osRelease';
import { PROJECT_PATHS } from '../project';
import { capitalize, factSide } from './builderVersions';

/**
 * The builder's OS against the runner stage's and each environment's `os:`. An error: a release
 * embeds ERTS and NIFs linked against the build OS's libraries, so another OS may not start it.
 */
export function osRules(ctx: ProjectContext, builder: ImageSide, runner: ImageSide | undefined): CheckFinding[] {
  const out: CheckFinding[] = [];
  const builderOs = builder.os;
  const others: Array<{ label: string; os?: OsInfo; range?: ImageSide['range']; what: string }> = [];
  if (runner) others.push({ label: runner.label, os: runner.os?.value, range: runner.os?.range ?? runner.range, what: 'runs' });
  for (const env of ctx.environments) {
    const os = parseOsSpec(env.os);
    if (!os) {
      out.push(single('version-unknown', 'info', env.range, `os: ${env.os} names no OS release Phoenix Deploy knows (e.g. debian-12, debian-bookworm, ubuntu-22.04, alpine-3.19), so the build image's OS is not checked against it`));
      continue;
    }
    others.push({ label: `environment "${env.name}" in ${PROJECT_PATHS.deployYml} (os: ${env.os})`, os, range: env.range, what: 'declares' });
  }
  if (others.length === 0) return out;
  if (!builderOs) {
    if (builder.range) {
      out.push(single('version-unknown', 'info', builder.range,
        `Cannot tell which OS ${builder.label} is: ${builder.unknownReason ?? 'its tag does not state it'}. \`phoenix-deploy check --probe\` reads it from the image.`,
        others.flatMap((o) => related(o.range, `${capitalize(o.label)} ${o.what} ${o.os ? formatOs(o.os) : 'an unknown OS'}`))));
    }
    return out;
  }
  for (const other of others) {
    const comparison = compareOs(builderOs.value, other.os);
    if (comparison === 'different' && other.os) {
      out.push(...disagreement('os-mismatch', 'error',
        factSide(builder, builderOs,
          `${capitalize(builder.label)} builds on ${formatOs(builderOs.value)}, but ${other.label} ${other.what} ${formatOs(other.os)}`,
          `The build image is ${formatOs(builderOs.value)}`),
        other.range && {
          range: other.range,
          message: `${capitalize(other.label)} ${other.what} ${formatOs(other.os)}, but ${builder.label} builds on ${formatOs(builderOs.value)}`,
          relatedMessage: `${formatOs(other.os)} here`,
        }));
    } else if (comparison === 'unknown') {
      const unstated = !builderOs.value.release ? { who: builder.label, os: builderOs.value, range: builderOs.range ?? builder.range }
        : { who: other.label, os: other.os, range: other.range };
      if (unstated.range) {
        out.push(single('version-unknown', 'info', unstated.range,
          `Cannot tell which ${unstated.os ? formatOs(unstated.os).split(' ')[0] : 'OS'} release ${unstated.who} is, so it is not compared with ${unstated.who === builder.label ? other.label : builder.label}`,
          related(unstated.who === builder.label ? other.range : builderOs.range ?? builder.range, 'compared with this')));
      }
    }
  }
  return out;
}

/**
 * The final (runner) stage is what the hosts should be: setup installs its packages and locales
 * there and its ENV reaches the units. A runner on another OS than an environment's `os:` is
 * reported at its FROM line, whatever the builder says.
 */
export function runnerOsRules(ctx: ProjectContext, runner: ImageSide | undefined): CheckFinding[] {
  const os = runner?.os;
  if (!runner || !os) return [];
  const out: CheckFinding[] = [];
  for (const env of ctx.environments) {
    const declared = parseOsSpec(env.os);
    if (!declared || compareOs(os.value, declared) !== 'different') continue;
    out.push(single('os-mismatch', 'error', os.range ?? runner.range!,
      `${capitalize(runner.label)} runs ${formatOs(os.value)}, but environment "${env.name}" declares ${formatOs(declared)} (os: ${env.os}): ` +
      'this stage is the hosts\' spec (setup installs its packages and locales there, its ENV reaches the units), so build on and deploy to one OS',
    related(env.range, `os: ${env.os} here`)));
  }
  return out;
}
