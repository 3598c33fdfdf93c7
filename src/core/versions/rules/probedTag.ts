import type { Fact, ImageSide } from '../builder';
import type { ImageContents } from '../context';
import { agreeAsFarAsSpecific } from '../compare';
import { related, single, type CheckFinding } from '../findingKit';
import { compareOs, formatOs } from '../osRelease';

/** The Dockerfile's tag against what the probe found inside the image: a tag can lie. */
export function probedTagRules(declared: ImageSide, probed: ImageContents): CheckFinding[] {
  const out: CheckFinding[] = [];
  const check = <T>(code: string, severity: 'error' | 'warning', stated: Fact<T> | undefined, real: T | undefined, same: (a: T, b: T) => boolean, show: (v: T) => string) => {
    if (!stated?.range || real === undefined || same(stated.value, real)) return;
    out.push(single(code, severity, stated.range,
      `The Dockerfile says ${show(stated.value)}, but the image ${probed.image} has ${show(real)} (probed)`,
      related(stated.usedAt, 'used by this FROM')));
  };
  check('erlang-mismatch', 'error', declared.otp, probed.otp, agreeAsFarAsSpecific, (v) => `OTP ${v}`);
  check('elixir-mismatch', 'warning', declared.elixir, probed.elixir, agreeAsFarAsSpecific, (v) => `Elixir ${v}`);
  check('os-mismatch', 'error', declared.os, probed.os, (a, b) => compareOs(a, b) !== 'different', formatOs);
  return out;
}
