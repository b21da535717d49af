/**
 * Fitting: learn every step's parameters from the training rows only (the caller passes the
 * train split), in order, each step seeing what the earlier ones produced. The result is
 * JSON-serializable; `transformFeatures` applies it unchanged to any other rows.
 */
import { type Frame, type FrameColumn, getColumn, hasColumn, schemaOf } from '../frame/frame';
import type { Matrix } from '../frame/matrix';
import { type StepContext, WorkingSet, checkFinalColumns, outputNames, toMatrix } from './columns';
import { FITTED_FORMAT, FITTED_VERSION, type FittedFeaturePipeline } from './fitted';
import { planFeatureSpec } from './plan';
import { applyStep, fitStep, type FittedStep } from './run';
import { FeaturePipelineError, type FeaturePipelineSpec, type FeaturePipelineSpecInput, parseFeatureSpec } from './spec';

export interface FeatureMatrix {
  matrix: Matrix;
  featureNames: string[];
}

const allMissing = (col: FrameColumn): boolean =>
  col.type === 'string' ? col.values.every((v) => v === null) : col.values.every((v) => Number.isNaN(v));

function fit(frame: Frame, specInput: FeaturePipelineSpecInput | FeaturePipelineSpec): { fitted: FittedFeaturePipeline; work: WorkingSet } {
  const spec = parseFeatureSpec(specInput);
  try {
    planFeatureSpec(spec, schemaOf(frame));
  } catch (err) {
    // A column with no value at all has no type of its own (CSV and JSON read it as strings), so
    // the plan blames a "string column"; say what is really wrong with it.
    const blamed = (name: string): boolean =>
      (err as Error).message.includes(`'${name}'`) && hasColumn(frame, name) && allMissing(getColumn(frame, name));
    const empty = err instanceof FeaturePipelineError && frame.rows > 0 ? spec.features.filter(blamed) : [];
    if (empty.length === 0) throw err;
    const names = empty.map((n) => `'${n}'`).join(', ');
    throw new FeaturePipelineError(
      `feature pipeline: input column${empty.length === 1 ? '' : 's'} ${names} ha${empty.length === 1 ? 's' : 've'} no value in the ${frame.rows} training rows (all missing, so read as text): leave ${empty.length === 1 ? 'it' : 'them'} out of the features or fix the source (${(err as Error).message})`,
    );
  }
  if (frame.rows === 0) throw new FeaturePipelineError('feature pipeline: cannot fit on 0 rows');
  const inputs = spec.features.map((name) => ({ name, type: getColumn(frame, name).type }));
  const work = new WorkingSet(
    frame.rows,
    spec.features.map((name) => getColumn(frame, name)),
  );
  const steps: FittedStep[] = spec.steps.map((step, index) => {
    const ctx: StepContext = { index, op: step.op, phase: 'fit', rows: frame.rows };
    const params = fitStep(step, work, ctx);
    applyStep(params, work, ctx);
    return params;
  });
  const names = outputNames(work.columns);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined)
    throw new FeaturePipelineError(
      `feature pipeline: two output features are named '${dup}' (a one-hot category collides with a column name): rename the column`,
    );
  checkFinalColumns(work, 'fit');
  return {
    fitted: { format: FITTED_FORMAT, version: FITTED_VERSION, spec, inputs, steps, featureNames: names, fittedRows: frame.rows },
    work,
  };
}

/** Fit on `frame` (the training rows) and return the fitted pipeline with the training matrix (one pass). */
export function fitTransformFeatures(
  frame: Frame,
  spec: FeaturePipelineSpecInput | FeaturePipelineSpec,
): FeatureMatrix & { fitted: FittedFeaturePipeline } {
  const { fitted, work } = fit(frame, spec);
  return { fitted, ...toMatrix(work, 'fit') };
}

/** Fit on the training rows; the fitted pipeline is plain JSON (store it as an artifact). */
export function fitFeaturePipeline(frame: Frame, spec: FeaturePipelineSpecInput | FeaturePipelineSpec): FittedFeaturePipeline {
  return fit(frame, spec).fitted;
}
