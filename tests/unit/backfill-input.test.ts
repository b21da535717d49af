/** The backfill workflow's input schema: what it accepts, and bad fields named (pure). */
import { describe, expect, it } from 'vitest';
import { backfillInputProblems, backfillInputSchema } from '../../core/backfill-input';

const ok = { dagId: 'etl', from: '2024-01-01', to: '2024-01-31' };

function problems(input: unknown): string {
  const r = backfillInputSchema.safeParse(input);
  if (r.success) throw new Error('accepted');
  return backfillInputProblems(r.error);
}

describe('backfillInputSchema', () => {
  it('accepts a minimal and a complete input', () => {
    expect(backfillInputSchema.parse(ok)).toEqual(ok);
    const full = { ...ok, reprocess: 'failed', maxActive: 2, backwards: true, dryRun: false, params: { a: 1 }, pageSize: 10 };
    expect(backfillInputSchema.parse(full)).toEqual(full);
  });

  it('names every bad field, and refuses unknown keys', () => {
    const text = problems({ ...ok, reprocess: 'all', maxActive: 0, pageSize: 1.5, dryrun: true });
    expect(text).toContain('reprocess must be one of none, failed, completed, got "all"');
    expect(text).toContain('maxActive must be a positive integer, got 0');
    expect(text).toContain('pageSize must be a positive integer, got 1.5');
    expect(text).toContain('Unrecognized key: "dryrun"');
    expect(problems({ from: '2024-01-01', to: 3 })).toMatch(/dagId must be a DAG id.*'to' must be an ISO-8601 date/);
  });
});
