/**
 * Per-trial feature pipelines: the `pipelines` param names extra feature pipelines, and a search
 * space entry picks one with `pipeline: '<name>'` (entries without one use the `features` param).
 * One run can so compare, say, gradient boosting on native `categorical` codes with logistic
 * regression on a one-hot encoding of the same columns; each trial is cross-validated with its own
 * pipeline, the leaderboard shows which one it used, and train_best fits (and the registry keeps)
 * the best trial's.
 *
 *   pipelines: { native: {features: [...], steps: [{op: 'categorical', ...}]}, onehot: {...} }
 *   search: { strategy: 'grid', space: [{kind: 'gbt', pipeline: 'native'}, {kind: 'logistic_regression', pipeline: 'onehot'}] }
 *
 * Checked at trigger time: an entry naming an undeclared pipeline, and a non-gbt entry whose
 * pipeline has a `categorical` step (codes only gradient boosting splits on), fail the trigger.
 */
import { z } from 'zod';
import { featurePipelineSpecSchema, type FeaturePipelineSpecInput } from '../../ml/features/spec';

/** How a trial without a `pipeline` shows its pipeline (the `features` param's). */
export const DEFAULT_PIPELINE_NAME = 'features';

const PIPELINE_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

export const pipelinesParam = z
  .record(z.string(), featurePipelineSpecSchema)
  .superRefine((pipelines, ctx) => {
    for (const name of Object.keys(pipelines))
      if (!PIPELINE_NAME.test(name))
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `pipeline name '${name}' must be a letter then letters, digits, _ or - (at most 64)`,
        });
  })
  .describe('Named feature pipelines a search space entry can pick with `pipeline: <name>`');

interface Entry {
  kind: string;
  pipeline?: string | undefined;
}

/** The feature pipeline of a trial: its named one, else the default; undefined when the name is not declared. */
export function pipelineFor(
  name: string | undefined,
  features: FeaturePipelineSpecInput,
  pipelines: Readonly<Record<string, FeaturePipelineSpecInput>> | undefined,
): FeaturePipelineSpecInput | undefined {
  return name === undefined ? features : pipelines?.[name];
}

/** Trigger-time issues of the search entries' pipelines (see the file comment). */
export function checkTrialPipelines(
  p: { features: FeaturePipelineSpecInput; pipelines?: Record<string, FeaturePipelineSpecInput> | undefined; search: { space: unknown } },
  ctx: z.RefinementCtx,
): void {
  const space = (Array.isArray(p.search.space) ? p.search.space : []) as Entry[];
  const declared = Object.keys(p.pipelines ?? {});
  space.forEach((entry, e) => {
    const path = ['search', 'space', e, 'pipeline'];
    const where = `search space entry ${e} (${entry.kind})`;
    const spec = pipelineFor(entry.pipeline, p.features, p.pipelines);
    if (!spec) {
      const known = declared.length ? `declared: ${declared.join(', ')}` : 'no pipelines param is given';
      ctx.addIssue({ code: 'custom', path, message: `${where} names pipeline '${entry.pipeline}', which is not declared (${known})` });
      return;
    }
    if (entry.kind === 'gbt') return;
    const coded = (spec.steps ?? []).findIndex((s) => s.op === 'categorical');
    if (coded >= 0) {
      const name = entry.pipeline ?? DEFAULT_PIPELINE_NAME;
      ctx.addIssue({
        code: 'custom',
        path: entry.pipeline === undefined ? ['features', 'steps', coded] : path,
        message: `${where} uses pipeline '${name}', whose step ${coded} (categorical) makes category codes only gbt splits on; give this entry a pipeline with an 'onehot' step (pipelines param, pipeline: '<name>')`,
      });
    }
  });
}
