/**
 * The fitted pipeline as JSON: the parsed spec, the input columns it was fitted on (names and
 * types, so transform can check its input), what each step learned, and the output feature
 * names. `parseFittedPipeline` is the only way back from JSON: zod shape, format and version,
 * and that the steps line up with the spec.
 */
import { z } from 'zod';
import { COLUMN_TYPES, type ColumnSchema } from '../frame/frame';
import { fittedStepSchema } from './run';
import { FeaturePipelineError, featurePipelineSpecSchema, stepLabel } from './spec';
import { checkOnehotParams } from './steps/onehot';

export const FITTED_FORMAT = 'tideflow.feature-pipeline';
export const FITTED_VERSION = 1;

const fittedSchema = z.object({
  format: z.literal(FITTED_FORMAT),
  version: z.literal(FITTED_VERSION),
  spec: featurePipelineSpecSchema,
  /** The `features` columns as they were in the training frame. */
  inputs: z.array(z.object({ name: z.string(), type: z.enum(COLUMN_TYPES as [ColumnSchema['type'], ...ColumnSchema['type'][]]) })),
  /** One entry per spec step, same order. */
  steps: z.array(fittedStepSchema),
  /** Matrix column names, in order. */
  featureNames: z.array(z.string().min(1)).min(1),
  /** Training rows the parameters were learned from. */
  fittedRows: z.number().int().positive(),
});
export type FittedFeaturePipeline = z.output<typeof fittedSchema>;

/** A fitted pipeline read back from JSON (an artifact), checked before it is trusted. */
export function parseFittedPipeline(json: unknown): FittedFeaturePipeline {
  const head = json as { format?: unknown; version?: unknown } | null;
  if (typeof json !== 'object' || head === null || head.format !== FITTED_FORMAT) {
    throw new FeaturePipelineError(`not a fitted feature pipeline: format is ${JSON.stringify(head?.format)}, expected '${FITTED_FORMAT}'`);
  }
  if (head.version !== FITTED_VERSION) {
    throw new FeaturePipelineError(
      `fitted feature pipeline version ${JSON.stringify(head.version)} is not supported (this build reads version ${FITTED_VERSION}): refit it`,
    );
  }
  const r = fittedSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new FeaturePipelineError(
      `invalid fitted feature pipeline: ${issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid'}`,
    );
  }
  const p = r.data;
  if (p.steps.length !== p.spec.steps.length)
    throw new FeaturePipelineError(`invalid fitted feature pipeline: ${p.steps.length} fitted steps for ${p.spec.steps.length} spec steps`);
  p.steps.forEach((s, i) => {
    const op = p.spec.steps[i]?.op;
    if (s.op !== op) throw new FeaturePipelineError(`invalid fitted feature pipeline: ${stepLabel(i, String(op))} was fitted as '${s.op}'`);
    if (s.op === 'onehot') checkOnehotParams(s);
  });
  for (const f of p.spec.features) {
    if (!p.inputs.some((c) => c.name === f))
      throw new FeaturePipelineError(`invalid fitted feature pipeline: no input type recorded for feature '${f}'`);
  }
  if (new Set(p.featureNames).size !== p.featureNames.length)
    throw new FeaturePipelineError('invalid fitted feature pipeline: duplicate feature names');
  return p;
}
