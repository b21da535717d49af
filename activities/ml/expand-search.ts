/** candidates: expand the declared search (grid, or seeded random draws) into one item per tune instance. */
import { ApplicationFailure } from '@temporalio/common';
import { expandSearch, searchSpecSchema, type TrialConfig } from '../../mlops/search-space';

export async function expandSearchTrials(input: { search: unknown; seed: number }): Promise<TrialConfig[]> {
  const parsed = searchSpecSchema.safeParse(input.search);
  if (!parsed.success) {
    throw ApplicationFailure.nonRetryable(
      `search: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      'InvalidSearchSpace',
    );
  }
  try {
    const spec = parsed.data;
    return expandSearch(spec.space, {
      strategy: spec.strategy,
      ...(spec.trials !== undefined && { trials: spec.trials }),
      seed: spec.seed ?? input.seed,
      ...(spec.maxTrials !== undefined && { maxTrials: spec.maxTrials }),
    });
  } catch (err) {
    throw ApplicationFailure.nonRetryable(`search: ${(err as Error).message}`, 'InvalidSearchSpace');
  }
}
