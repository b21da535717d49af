/**
 * The feature pipeline spec: plain JSON data (a DAG param), checked once by zod. Steps run in
 * order over "working columns" that start as `features`; each step names the columns it acts on.
 * Conventions follow scikit-learn (SimpleImputer, StandardScaler, MinMaxScaler, KBinsDiscretizer,
 * OneHotEncoder) so reference values can be computed there; docs/feature-pipeline.md has the details.
 */
import { InputError } from '../../core/errors';
import { z } from 'zod';
import { isValidTimezone } from '../../core/dates';

const column = z.string().min(1, 'a column name is empty');
const columns = z
  .array(column)
  .min(1, 'list at least one column')
  .refine((cs) => new Set(cs).size === cs.length, { message: 'a column is listed twice' });

export const DATE_PARTS = ['year', 'month', 'day', 'hour', 'minute', 'weekday', 'dayofyear'] as const;
export type DatePart = (typeof DATE_PARTS)[number];

export const imputeStepSchema = z.object({
  op: z.literal('impute'),
  columns,
  strategy: z.enum(['mean', 'median', 'most_frequent', 'constant']).default('median'),
  /** For 'constant'; default 0 for numeric columns and 'missing_value' for string ones (as sklearn). */
  fillValue: z.union([z.number().finite(), z.string()]).optional(),
});

export const standardizeStepSchema = z.object({
  op: z.literal('standardize'),
  columns,
  withMean: z.boolean().default(true),
  withStd: z.boolean().default(true),
});

export const minmaxStepSchema = z.object({
  op: z.literal('minmax'),
  columns,
  range: z
    .tuple([z.number().finite(), z.number().finite()])
    .refine(([lo, hi]) => lo < hi, { message: 'range must be [low, high] with low < high' })
    .default([0, 1]),
  /** Clip transformed values into `range` (values outside the training min/max otherwise fall outside it). */
  clip: z.boolean().default(false),
});

export const logStepSchema = z.object({
  op: z.literal('log'),
  columns,
  /** ln(x + offset); the default 1 is log1p. */
  offset: z.number().finite().default(1),
});

export const binStepSchema = z.object({
  op: z.literal('bin'),
  columns,
  nBins: z.number().int().min(2).max(1000).default(5),
  strategy: z.enum(['uniform', 'quantile']).default('quantile'),
  encode: z.enum(['ordinal', 'onehot']).default('onehot'),
});

export const onehotStepSchema = z.object({
  op: z.literal('onehot'),
  columns,
  /** 'ignore': an unseen category encodes as all zeros; 'infrequent_if_exist': into the infrequent column. */
  handleUnknown: z.enum(['ignore', 'error', 'infrequent_if_exist']).default('ignore'),
  /** A missing value is its own category ('category', sklearn's behaviour) or an error naming the row. */
  missing: z.enum(['category', 'error']).default('category'),
  /** Categories seen fewer times (an integer count, or a fraction of the training rows when < 1) are infrequent. */
  minFrequency: z
    .number()
    .positive()
    .refine((v) => v < 1 || Number.isInteger(v), { message: 'minFrequency is a count (an integer ≥ 1) or a fraction (< 1)' })
    .optional(),
  /** At most this many output columns per input column, the infrequent one included. */
  maxCategories: z.number().int().min(2).optional(),
});

export const categoricalStepSchema = z.object({
  op: z.literal('categorical'),
  columns,
  /** Keep the most frequent categories, at most 255 (gradient boosting's limit); the rest are coded missing. */
  maxCategories: z.number().int().min(2).max(255).default(255),
});

export const datePartsStepSchema = z.object({
  op: z.literal('date_parts'),
  columns,
  parts: z
    .array(z.enum(DATE_PARTS))
    .min(1)
    .refine((ps) => new Set(ps).size === ps.length, { message: 'a part is listed twice' })
    .default(['hour', 'weekday', 'month']),
  /** IANA zone the parts are read in; default UTC. */
  timezone: z.string().refine(isValidTimezone, { message: 'not an IANA time zone (e.g. Europe/Paris)' }).default('UTC'),
  /** Keep the timestamp column itself (default: replaced by its parts). */
  keep: z.boolean().default(false),
});

export const interactStepSchema = z.object({
  op: z.literal('interact'),
  /** Each pair adds the column `a*b` (the product), after the existing columns. */
  pairs: z.array(z.tuple([column, column])).min(1, 'list at least one pair'),
});

export const dropStepSchema = z.object({ op: z.literal('drop'), columns });

export const stepSchema = z.discriminatedUnion('op', [
  imputeStepSchema,
  standardizeStepSchema,
  minmaxStepSchema,
  logStepSchema,
  binStepSchema,
  onehotStepSchema,
  categoricalStepSchema,
  datePartsStepSchema,
  interactStepSchema,
  dropStepSchema,
]);

export const featurePipelineSpecSchema = z.object({
  /** Input columns, in order; the working columns before the first step. */
  features: columns,
  steps: z.array(stepSchema).default([]),
});

/** A spec as written (defaults may be omitted). */
export type FeaturePipelineSpecInput = z.input<typeof featurePipelineSpecSchema>;
/** A parsed spec: every default filled in. */
export type FeaturePipelineSpec = z.output<typeof featurePipelineSpecSchema>;
export type FeatureStep = z.output<typeof stepSchema>;
export type FeatureStepOp = FeatureStep['op'];
export type StepOf<O extends FeatureStepOp> = Extract<FeatureStep, { op: O }>;

/** Input errors of the pipeline (bad spec, bad data, bad fitted JSON): never worth a retry. */
export class FeaturePipelineError extends InputError {
  override name = 'FeaturePipelineError';
}

/** `step 2 (onehot)` — how every error locates a step. */
export const stepLabel = (index: number, op: string): string => `step ${index} (${op})`;

function issuePlace(input: unknown, path: readonly PropertyKey[]): string {
  if (path[0] === 'steps' && typeof path[1] === 'number') {
    const steps = (input as { steps?: unknown } | null)?.steps;
    const raw = Array.isArray(steps) ? (steps[path[1]] as { op?: unknown } | undefined) : undefined;
    const op = typeof raw?.op === 'string' ? raw.op : '?';
    const rest = path.slice(2).map(String).join('.');
    return `${stepLabel(path[1], op)}${rest ? ` ${rest}` : ''}`;
  }
  return path.length ? path.map(String).join('.') : '(spec)';
}

/** Parse and default a spec; the error names the step index, its op and the field. */
export function parseFeatureSpec(input: unknown): FeaturePipelineSpec {
  const r = featurePipelineSpecSchema.safeParse(input);
  if (r.success) return r.data;
  const lines = r.error.issues.slice(0, 5).map((i) => `${issuePlace(input, i.path)}: ${i.message}`);
  throw new FeaturePipelineError(`invalid feature pipeline spec: ${lines.join('; ')}`);
}

/**
 * The usual starting point: numeric columns imputed with their median and standardized;
 * categorical ones imputed with their most frequent value and one-hot encoded (unseen → zeros).
 */
export function defaultFeatureSpec(numeric: readonly string[], categorical: readonly string[]): FeaturePipelineSpec {
  const steps: FeaturePipelineSpecInput['steps'] = [];
  if (numeric.length) {
    steps.push({ op: 'impute', columns: [...numeric], strategy: 'median' });
    steps.push({ op: 'standardize', columns: [...numeric] });
  }
  if (categorical.length) {
    steps.push({ op: 'impute', columns: [...categorical], strategy: 'most_frequent' });
    steps.push({ op: 'onehot', columns: [...categorical], handleUnknown: 'ignore' });
  }
  return parseFeatureSpec({ features: [...numeric, ...categorical], steps });
}
