/**
 * The estimator envelope, `tideflow.estimator` version 1 (docs/ml-models.md): what was fitted
 * (kind, task, classes, features, resolved hyperparameters, fit info) around the trainer's own
 * versioned model document (`tideflow.logistic-regression` v1, `tideflow.linear-regression` v1,
 * `tideflow.gbt` v1 to v4). Readers refuse other formats and versions by name, and check that
 * the envelope and the model agree.
 */
import { z } from 'zod';
import { gbtModelFromJson, isMulticlassGbt } from '../gbt/serialize';
import { logisticFromJson, logisticJsonSchema, logisticToJson, type LogisticJson } from '../linear/logistic';
import { ridgeFromJson, ridgeJsonSchema, ridgeToJson, type RidgeJson } from '../linear/ridge';
import type { AnyGbtModel } from '../gbt/gradient-boosting';
import { ESTIMATOR_KINDS, validateHyperparams } from './hyperparams';
import { checkKindTask } from './fit';
import { EstimatorInputError, TASKS, type Estimator, type EstimatorKind, type Task } from './types';
import { InputError } from '../../core/errors';

export const ESTIMATOR_FORMAT = 'tideflow.estimator';
export const ESTIMATOR_VERSION = 1;

const envelopeSchema = z.object({
  format: z.literal(ESTIMATOR_FORMAT),
  version: z.literal(ESTIMATOR_VERSION),
  kind: z.enum(ESTIMATOR_KINDS as [EstimatorKind, ...EstimatorKind[]]),
  task: z.enum(TASKS as [Task, ...Task[]]),
  numClasses: z.number().int().min(0),
  numFeatures: z.number().int().min(1),
  hyperparams: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  fitInfo: z.object({ iterations: z.number().int().min(0), converged: z.boolean().optional(), stoppedEarly: z.boolean().optional() }),
  // The trainer's own document: only its head here, the whole by the trainer's reader (below).
  model: z.object({ format: z.string(), version: z.number() }).loose(),
});

/** The envelope as the schema reads it, with the trainer's model document typed by kind. */
export type EstimatorJson = Omit<z.infer<typeof envelopeSchema>, 'model'> & { model: LogisticJson | RidgeJson | AnyGbtModel };

export function estimatorToJson(est: Estimator): EstimatorJson {
  const model =
    est.kind === 'logistic_regression' ? logisticToJson(est.model) : est.kind === 'linear_regression' ? ridgeToJson(est.model) : est.model;
  return {
    format: ESTIMATOR_FORMAT,
    version: ESTIMATOR_VERSION,
    kind: est.kind,
    task: est.task,
    numClasses: est.numClasses,
    numFeatures: est.numFeatures,
    hyperparams: est.hyperparams,
    fitInfo: est.fitInfo,
    model,
  };
}

function issues(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

function fail(message: string): never {
  throw new EstimatorInputError(message);
}

function parseModel<T>(schema: z.ZodType<T>, doc: unknown, what: string): T {
  const r = schema.safeParse(doc);
  if (!r.success) fail(`malformed ${what} model in the estimator: ${issues(r.error)}`);
  return r.data;
}

/** An estimator from its envelope (an object or its JSON text). */
export function estimatorFromJson(input: unknown): Estimator {
  const doc: unknown = typeof input === 'string' ? JSON.parse(input) : input;
  const head = (typeof doc === 'object' && doc !== null ? doc : {}) as { format?: unknown; version?: unknown };
  if (head.format !== ESTIMATOR_FORMAT) fail(`not a ${ESTIMATOR_FORMAT} artifact (format ${JSON.stringify(head.format) ?? 'missing'})`);
  if (head.version !== ESTIMATOR_VERSION)
    fail(
      `${ESTIMATOR_FORMAT} version ${JSON.stringify(head.version) ?? 'missing'} is not supported (this reader knows version ${ESTIMATOR_VERSION})`,
    );
  const r = envelopeSchema.safeParse(doc);
  if (!r.success) fail(`malformed ${ESTIMATOR_FORMAT} artifact: ${issues(r.error)}`);
  const e = r.data;
  checkKindTask(e.kind, e.task);
  const base = {
    task: e.task,
    numClasses: e.numClasses,
    numFeatures: e.numFeatures,
    hyperparams: validateHyperparams(e.kind, e.hyperparams),
    fitInfo: e.fitInfo,
  };
  const classes = e.task === 'regression' ? 0 : e.task === 'binary' ? 2 : Math.max(3, e.numClasses);
  if (e.numClasses !== classes) fail(`a ${e.task} estimator with numClasses ${e.numClasses}`);
  let est: Estimator;
  try {
    if (e.kind === 'logistic_regression') {
      const model = logisticFromJson(parseModel(logisticJsonSchema, e.model, 'tideflow.logistic-regression'));
      if (model.numClasses !== e.numClasses) fail(`the estimator says ${e.numClasses} classes, its logistic model has ${model.numClasses}`);
      est = { ...base, kind: e.kind, model };
    } else if (e.kind === 'linear_regression') {
      est = { ...base, kind: e.kind, model: ridgeFromJson(parseModel(ridgeJsonSchema, e.model, 'tideflow.linear-regression')) };
    } else {
      const model = gbtModelFromJson(e.model);
      const expected = isMulticlassGbt(model) ? 'multiclass' : model.loss === 'log_loss' ? 'binary' : 'regression';
      if (expected !== e.task) fail(`the estimator is for a ${e.task} task, its gbt model is ${expected}`);
      if (isMulticlassGbt(model) && model.numClasses !== e.numClasses)
        fail(`the estimator says ${e.numClasses} classes, its gbt model has ${model.numClasses}`);
      est = { ...base, kind: e.kind, model };
    }
  } catch (err) {
    if (err instanceof InputError) fail(`${e.kind} model in the estimator: ${err.message}`);
    throw err;
  }
  if (est.model.numFeatures !== e.numFeatures) fail(`the estimator says ${e.numFeatures} features, its model has ${est.model.numFeatures}`);
  return est;
}
