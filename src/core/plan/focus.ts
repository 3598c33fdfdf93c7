/**
 * A step written for one state, run on a part of a larger one: a feature that holds another
 * engine's run state by composition (env holds a deploy run's state) runs that engine's steps on
 * it. Everything else (name, title, batch, point of no return) is the step's own, so the events
 * and the dry run are those of the step run on the part directly. A field added to Step that
 * takes the state fails to compile here until it is mapped too.
 */
import type { Step } from './types';

export function focus<Whole, Part>(step: Step<Part>, part: (state: Whole) => Part): Step<Whole> {
  return {
    ...step,
    describe: (state) => step.describe(part(state)),
    run: (ctx, state) => step.run(ctx, part(state)),
  };
}
