/** Param checks written as functions that throw, used as zod refinements. */
import type { z } from 'zod';

/** A `superRefine` callback that runs `check`; what it throws becomes the value's issue, with its message. */
export function throwsAsIssue<T>(check: (value: T) => unknown): (value: T, ctx: z.RefinementCtx) => void {
  return (value, ctx) => {
    try {
      check(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  };
}
