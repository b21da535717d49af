/**
 * What the step cache must know about each built-in activity, from reading what it does:
 *
 * - UNCACHEABLE_ACTIVITIES (kept in core/uncacheable-activities.ts): activities with side effects
 *   (or whose answer is the state of the world at run time); a task running one refuses `cache` at
 *   load (core/cache-tasks.ts).
 * - CACHE_POLICIES: for cacheable activities, the run values they read from their context besides
 *   their input (part of the key), the state outside the input their output depends on (a
 *   fingerprint, part of the key: a source's content, the champion being compared with), and what
 *   a hit must still redo (validate's row-count pointer).
 *
 * An activity listed in neither (a DAG's own) is keyed conservatively: its input, plus the DAG,
 * the logical date, the data interval and the params, which its context exposes.
 */
import { getVersion, getVersionByAlias } from '../../registry/read';
import { NotFoundError } from '../../registry/types';
import type { TaskContext } from '../context';
import type { EvaluateModelInput } from '../ml/evaluate-model';
import type { ValidateDataInput, ValidateDataOutput } from '../ml/validate-data';
import { readPreviousRowCount, writeRowCountPointer } from '../ml/row-count-pointer';
import type { PredictBatchInput } from '../ml/predict-batch';
import { getArtifact } from '../ml/store';
import { sourceFingerprint } from './source-fingerprint';

/** Kept in core: plain data that the workflow's cache probe (workflows/cache-probe.ts) reads too. */
export { UNCACHEABLE_ACTIVITIES } from '../../core/uncacheable-activities';

/** Run values an activity reads from its context, not from its input. */
export type ContextField = 'dagId' | 'ds' | 'logicalDate' | 'interval' | 'params';
export const CONSERVATIVE: readonly ContextField[] = ['dagId', 'ds', 'logicalDate', 'interval', 'params'];

export interface CachePolicy {
  context: readonly ContextField[];
  /** State outside the input that the output depends on; part of the key. Throwing bypasses the cache for this call. */
  fingerprint?: (input: never, ctx: TaskContext) => Promise<unknown>;
  /** What a hit must still do besides returning the output. */
  onHit?: (input: never, output: unknown, ctx: TaskContext) => Promise<void>;
}

/**
 * The model name a model artifact records, by its sha256: the artifact is content-addressed, so
 * the name read once holds for good and a hit need not read (and hash) the whole model again.
 */
const modelNames = new Map<string, string | null>();

async function modelNameOf(input: EvaluateModelInput, ctx: TaskContext): Promise<string | null> {
  const known = modelNames.get(input.model.sha256);
  if (known !== undefined) return known;
  const doc = (await getArtifact(ctx.store, input.model)) as { modelName?: unknown } | null;
  const name = typeof doc?.modelName === 'string' ? doc.modelName : null;
  if (modelNames.size >= 1000) modelNames.delete(modelNames.keys().next().value as string);
  modelNames.set(input.model.sha256, name);
  return name;
}

/** The champion an evaluation compares with: its version and model content, or none. */
async function championFingerprint(input: EvaluateModelInput, ctx: TaskContext): Promise<unknown> {
  if (input.championAlias === null) return null;
  const modelName = await modelNameOf(input, ctx);
  if (modelName === null) return null;
  try {
    const v = await getVersionByAlias(ctx.store, modelName, input.championAlias);
    return { version: v.version, model: v.model.sha256, metrics: v.metrics };
  } catch (err) {
    if (err instanceof NotFoundError) return null;
    throw err;
  }
}

/** The version a batch prediction scores with (an alias moves). */
async function predictFingerprint(input: PredictBatchInput, ctx: TaskContext): Promise<unknown> {
  const v =
    input.alias !== undefined
      ? await getVersionByAlias(ctx.store, input.modelName, input.alias)
      : await getVersion(ctx.store, input.modelName, input.version ?? -1);
  return { version: v.version, model: v.model.sha256 };
}

/** With previousRowCount 'auto', validate compares with the row count the last validation left. */
async function previousRowsFingerprint(input: ValidateDataInput, ctx: TaskContext): Promise<unknown> {
  if (input.previousRowCount !== 'auto') return null;
  // Unreadable here: validate itself will say why; the key just does not depend on it.
  return readPreviousRowCount(ctx.store, ctx).catch(() => null);
}

/** A hit skips validate's write of the row-count pointer: write it as the validation would have. */
async function replayPointer(input: ValidateDataInput, output: unknown, ctx: TaskContext): Promise<void> {
  const rows = (output as ValidateDataOutput).rows;
  await writeRowCountPointer(ctx.store, ctx, rows, input.dataset.uri);
}

export const CACHE_POLICIES: Readonly<Record<string, CachePolicy>> = {
  noop: { context: [] },
  generateSales: { context: ['dagId', 'ds'] },
  distinctValues: { context: [] },
  summarizeRegion: { context: [] },
  buildSalesReport: { context: ['ds'] },
  mlIngest: { context: [], fingerprint: sourceFingerprint as CachePolicy['fingerprint'] },
  mlValidate: {
    context: [],
    fingerprint: previousRowsFingerprint as CachePolicy['fingerprint'],
    onHit: replayPointer as CachePolicy['onHit'],
  },
  mlSplit: { context: [] },
  mlExpandSearch: { context: [] },
  mlTuneTrial: { context: [] },
  mlTrainModel: { context: [] },
  mlEvaluate: { context: [], fingerprint: championFingerprint as CachePolicy['fingerprint'] },
  mlPredict: { context: [], fingerprint: predictFingerprint as CachePolicy['fingerprint'] },
  // A command declared pure still sees the run's dates and params in its environment and templates.
  runCommand: { context: CONSERVATIVE },
};

const declared = new Map<string, CachePolicy>();

/**
 * Declare what a DAG's own activity reads besides its input (e.g. `{ context: [] }`: nothing), so
 * its cache key need not include every run value; call it where the worker registers the activity.
 */
export function declareCachePolicy(activity: string, policy: CachePolicy): void {
  declared.set(activity, policy);
}

export function cachePolicy(activity: string): CachePolicy {
  return CACHE_POLICIES[activity] ?? declared.get(activity) ?? { context: CONSERVATIVE };
}
