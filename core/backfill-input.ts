/**
 * The backfill workflow's input as one zod schema (its type is z.infer): the workflow checks it
 * first, whoever started it (the CLI, the Temporal CLI, the Web UI), and names each bad field.
 * Unknown keys are refused, so a misspelt option is never silently ignored.
 */
import { z } from 'zod';
import { REPROCESS_MODES, type BackfillCarry } from './backfill-plan';

const positiveInt = (field: string) =>
  z
    .number({ error: (i) => `${field} must be a positive integer, got ${JSON.stringify(i.input)}` })
    .refine((v) => Number.isInteger(v) && v >= 1, {
      error: (i) => `${field} must be a positive integer, got ${JSON.stringify(i.input)}`,
    });

export const backfillInputSchema = z.strictObject({
  dagId: z.string({ error: 'dagId must be a DAG id' }).min(1, 'dagId must be a DAG id'),
  /** ISO-8601; logical dates in [from, to] are backfilled. */
  from: z.string({ error: "'from' must be an ISO-8601 date" }),
  to: z.string({ error: "'to' must be an ISO-8601 date" }),
  reprocess: z
    .enum(REPROCESS_MODES, { error: (i) => `reprocess must be one of ${REPROCESS_MODES.join(', ')}, got ${JSON.stringify(i.input)}` })
    .optional(),
  /** At most this many DAG runs at once (default: the schedule's maxActiveRuns, else 16). */
  maxActive: positiveInt('maxActive').optional(),
  backwards: z.boolean({ error: 'backwards must be true or false' }).optional(),
  /** Re-run each failed date as a retry of its failed run, reusing its successful tasks (with reprocess failed/completed). */
  resume: z.boolean({ error: 'resume must be true or false' }).optional(),
  /** Plan and report, start nothing. */
  dryRun: z.boolean({ error: 'dryRun must be true or false' }).optional(),
  params: z.record(z.string(), z.unknown(), { error: 'params must be an object' }).optional(),
  /** Dates per page; the workflow continues as new after each page (default 500). */
  pageSize: positiveInt('pageSize').optional(),
  /** Carried across continue-as-new; never set by callers (the workflow made it). */
  carry: z.custom<BackfillCarry>((v) => typeof v === 'object' && v !== null, 'carry is internal to the backfill workflow').optional(),
});

export type BackfillInput = z.infer<typeof backfillInputSchema>;

/** Every problem of a bad input, each naming its field. */
export function backfillInputProblems(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length === 0 || i.message.includes(String(i.path[0])) ? i.message : `${i.path.join('.')}: ${i.message}`))
    .join('; ');
}
