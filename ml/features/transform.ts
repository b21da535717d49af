/**
 * Transform: apply a fitted pipeline to any rows (test split, evaluation, batch prediction) with
 * exactly the fitted parameters — nothing is refitted, so the rows given here never influence
 * the result of other rows. The input frame is checked first: every input column present, with
 * the type it had at fit time.
 */
import type { Frame, FrameColumn } from '../frame/frame';
import { type StepContext, WorkingSet, toMatrix } from './columns';
import type { FeatureMatrix } from './fit';
import type { FittedFeaturePipeline } from './fitted';
import { buildRowPlan, transformRow, type RowPlan } from './row-plan';
import { applyStep } from './run';
import { FeaturePipelineError } from './spec';
import { codesOf } from './steps/categorical';
import { slotsOf } from './steps/onehot';

function allMissing(col: FrameColumn): boolean {
  return col.type === 'string' ? col.values.every((v) => v === null) : col.values.every((v) => Number.isNaN(v));
}

/** The frame's column `name`, made to match the type it was fitted with (or an error naming it). */
function inputColumn(frame: Frame, name: string, type: FrameColumn['type'], fittedRows: number): FrameColumn {
  const col = frame.columns.find((c) => c.name === name);
  if (!col) {
    throw new FeaturePipelineError(
      `feature pipeline: input column '${name}' is missing (the pipeline was fitted on ${fittedRows} rows with it; columns here: ${frame.columns.map((c) => c.name).join(', ')})`,
    );
  }
  if (col.type === type) return col;
  // An all-empty column has no type of its own (ingest reads it as strings): it is simply all missing.
  if (allMissing(col))
    return type === 'string'
      ? { name, type, values: new Array<string | null>(frame.rows).fill(null) }
      : { name, type, values: new Float64Array(frame.rows).fill(NaN) };
  // 0/1 are numbers too.
  if (col.type === 'boolean' && type === 'number') return { name, type, values: col.values };
  throw new FeaturePipelineError(
    `feature pipeline: input column '${name}' is a ${col.type} column, but the pipeline was fitted on a ${type} column`,
  );
}

/** Each pipeline's one-row plan (null: not covered), built once: a fitted pipeline is not edited in place once used. */
const rowPlans = new WeakMap<FittedFeaturePipeline, RowPlan | null>();

function rowPlanOf(fitted: FittedFeaturePipeline): RowPlan | null {
  let plan = rowPlans.get(fitted);
  if (plan === undefined) rowPlans.set(fitted, (plan = buildRowPlan(fitted) ?? null));
  return plan;
}

/** The model matrix for `frame`, column order = `fitted.featureNames`. */
export function transformFeatures(fitted: FittedFeaturePipeline, frame: Frame): FeatureMatrix {
  // One row (a prediction server's usual request): the compiled plan, when it covers the pipeline and the row (./row-plan.ts).
  if (frame.rows === 1) {
    const plan = rowPlanOf(fitted);
    const out = plan && transformRow(plan, frame);
    if (out) return out;
  }
  return transformGeneral(fitted, frame);
}

/** The general path: every step on working columns, then the matrix (exported for the tests that compare the one-row plan with it). */
export function transformGeneral(fitted: FittedFeaturePipeline, frame: Frame): FeatureMatrix {
  const work = new WorkingSet(
    frame.rows,
    fitted.inputs.map((c) => inputColumn(frame, c.name, c.type, fitted.fittedRows)),
  );
  fitted.steps.forEach((params, index) => {
    const ctx: StepContext = { index, op: params.op, phase: 'transform', rows: frame.rows };
    applyStep(params, work, ctx);
  });
  const out = toMatrix(work, 'transform');
  const same = out.featureNames.length === fitted.featureNames.length && out.featureNames.every((n, i) => n === fitted.featureNames[i]);
  if (!same)
    throw new FeaturePipelineError(
      `feature pipeline: transform produced features [${out.featureNames.join(', ')}], fitted were [${fitted.featureNames.join(', ')}]`,
    );
  return out;
}

/** Build the fitted steps' lookup maps (category → code, category → one-hot slot) and the one-row plan now, at load, not on the first transform. */
export function prepareTransform(fitted: FittedFeaturePipeline): void {
  for (const step of fitted.steps) {
    if (step.op === 'categorical') step.columns.forEach(codesOf);
    if (step.op === 'onehot') step.columns.forEach(slotsOf);
  }
  rowPlanOf(fitted);
}
