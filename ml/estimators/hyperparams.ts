/**
 * The hyperparameters of each estimator kind: one declarative table (type, allowed range,
 * default, meaning) from which the zod schemas, the error messages, the search-space checks and
 * the documentation (docs/ml-models.md) follow. A bad value is refused naming the kind, the key
 * and the allowed range; an unknown key is refused listing the known ones.
 */
import { z } from 'zod';
import { EstimatorInputError, type EstimatorKind, type HyperparamValue, type Hyperparams } from './types';

export type ParamSpec =
  | { type: 'number'; min: number; minInclusive: boolean; max?: number; maxInclusive?: boolean; default?: number; doc: string }
  | { type: 'integer'; min: number; max: number; default?: number; noneAllowed?: boolean; doc: string }
  | { type: 'boolean'; default: boolean; doc: string };

export const HYPERPARAMS: Record<EstimatorKind, Record<string, ParamSpec>> = {
  logistic_regression: {
    C: {
      type: 'number',
      min: 0,
      minInclusive: false,
      doc: "inverse regularisation strength as in sklearn's LogisticRegression(C); l2 = 1 / (C · rows). Default 1 when neither C nor l2 is given",
    },
    l2: {
      type: 'number',
      min: 0,
      minInclusive: true,
      doc: 'L2 penalty on the mean cross-entropy, (l2 / 2)·‖W‖² (intercepts unpenalised); give C or l2, not both',
    },
    maxIter: { type: 'integer', min: 1, max: 100_000, default: 200, doc: 'L-BFGS iterations at most' },
    tol: { type: 'number', min: 0, minInclusive: false, default: 1e-6, doc: 'stop when every gradient component is at most this' },
  },
  linear_regression: {
    alpha: {
      type: 'number',
      min: 0,
      minInclusive: true,
      default: 1,
      doc: "ridge penalty as in sklearn's Ridge(alpha); 0 = ordinary least squares (refuses collinear features)",
    },
  },
  gbt: {
    learningRate: { type: 'number', min: 0, minInclusive: false, max: 10, maxInclusive: true, default: 0.1, doc: 'shrinkage of each tree' },
    maxIter: {
      type: 'integer',
      min: 1,
      max: 10_000,
      default: 100,
      doc: 'boosting iterations (trees; K trees per iteration for K > 2 classes)',
    },
    maxLeafNodes: { type: 'integer', min: 2, max: 65_536, default: 31, doc: 'leaves per tree at most' },
    maxDepth: { type: 'integer', min: 1, max: 1000, noneAllowed: true, doc: 'depth per tree at most; "none" (default) = unlimited' },
    minSamplesLeaf: { type: 'integer', min: 1, max: 10_000_000, default: 20, doc: 'training rows per leaf at least' },
    l2: { type: 'number', min: 0, minInclusive: true, default: 0, doc: 'L2 regularisation of leaf values' },
    maxBins: { type: 'integer', min: 2, max: 255, default: 255, doc: 'histogram bins per feature (besides the missing-value bin)' },
    earlyStopping: {
      type: 'boolean',
      default: false,
      doc: "hold out validationFraction of the rows and stop when their loss stops improving (sklearn's scoring='loss')",
    },
    validationFraction: {
      type: 'number',
      min: 0,
      minInclusive: false,
      max: 1,
      maxInclusive: false,
      default: 0.1,
      doc: 'share of the rows held out when early stopping (stratified for classification)',
    },
    nIterNoChange: {
      type: 'integer',
      min: 1,
      max: 10_000,
      default: 10,
      doc: 'early stopping: iterations without improvement before stopping',
    },
    tol: {
      type: 'number',
      min: 0,
      minInclusive: true,
      default: 1e-7,
      doc: 'early stopping: improvement of the validation loss that counts',
    },
  },
};

export const ESTIMATOR_KINDS = Object.keys(HYPERPARAMS) as EstimatorKind[];

/** "an integer in 2..65536", "a number > 0 and ≤ 10", "true or false". */
export function describeAllowed(spec: ParamSpec): string {
  if (spec.type === 'boolean') return 'true or false';
  if (spec.type === 'integer') return `an integer in ${spec.min}..${spec.max}${spec.noneAllowed ? ' or "none"' : ''}`;
  const lo = `${spec.minInclusive ? '≥' : '>'} ${spec.min}`;
  return spec.max === undefined ? `a number ${lo}` : `a number ${lo} and ${spec.maxInclusive ? '≤' : '<'} ${spec.max}`;
}

function valueSchema(spec: ParamSpec): z.ZodType<HyperparamValue> {
  if (spec.type === 'boolean') return z.boolean();
  if (spec.type === 'integer') {
    const int = z.number().int().gte(spec.min).lte(spec.max);
    return spec.noneAllowed ? z.union([z.literal('none'), int]) : int;
  }
  let n = spec.minInclusive ? z.number().gte(spec.min) : z.number().gt(spec.min);
  if (spec.max !== undefined) n = spec.maxInclusive ? n.lte(spec.max) : n.lt(spec.max);
  return n;
}

function kindSchema(kind: EstimatorKind): z.ZodType<Record<string, HyperparamValue | undefined>> {
  const shape: Record<string, z.ZodOptional<z.ZodType<HyperparamValue>>> = {};
  for (const [key, spec] of Object.entries(HYPERPARAMS[kind])) shape[key] = valueSchema(spec).optional();
  return z.strictObject(shape);
}

const SCHEMAS: Record<EstimatorKind, z.ZodType<Record<string, HyperparamValue | undefined>>> = {
  logistic_regression: kindSchema('logistic_regression'),
  linear_regression: kindSchema('linear_regression'),
  gbt: kindSchema('gbt'),
};

/** The error for one bad hyperparameter value. */
export function badValue(kind: EstimatorKind, key: string, value: unknown): EstimatorInputError {
  const spec = HYPERPARAMS[kind][key];
  const allowed = spec ? describeAllowed(spec) : 'a known hyperparameter';
  return new EstimatorInputError(`${kind} hyperparameter '${key}' must be ${allowed}, got ${JSON.stringify(value) ?? String(value)}`);
}

export function unknownKey(kind: EstimatorKind, key: string): EstimatorInputError {
  return new EstimatorInputError(`unknown ${kind} hyperparameter '${key}' (known: ${Object.keys(HYPERPARAMS[kind]).join(', ')})`);
}

/**
 * The hyperparameters with defaults filled in (keys without a default, e.g. gbt maxDepth, stay
 * absent = unlimited); throws EstimatorInputError naming the first bad key.
 */
export function validateHyperparams(kind: EstimatorKind, hp: Readonly<Record<string, unknown>>): Hyperparams {
  const schema = SCHEMAS[kind];
  if (!schema) throw new EstimatorInputError(`unknown estimator kind '${String(kind)}' (known: ${ESTIMATOR_KINDS.join(', ')})`);
  const r = schema.safeParse(hp);
  if (!r.success) {
    const issue = r.error.issues[0];
    if (issue?.code === 'unrecognized_keys') throw unknownKey(kind, String(issue.keys[0]));
    const key = String(issue?.path[0] ?? '');
    throw badValue(kind, key, hp[key]);
  }
  if (kind === 'logistic_regression' && r.data['C'] !== undefined && r.data['l2'] !== undefined) {
    throw new EstimatorInputError("logistic_regression: give either 'C' or 'l2', not both");
  }
  const out: Hyperparams = {};
  for (const [key, spec] of Object.entries(HYPERPARAMS[kind])) {
    const v = r.data[key] ?? spec.default;
    if (v !== undefined && v !== 'none') out[key] = v;
  }
  // sklearn's default regularisation, recorded so an artifact says what was fitted.
  if (kind === 'logistic_regression' && out['C'] === undefined && out['l2'] === undefined) out['C'] = 1;
  return out;
}
