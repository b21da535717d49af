/**
 * The static check of a spec against the input schema (names and types only, no data): every
 * step's columns exist at that point and have a type the op accepts, no step creates a name
 * twice, and what is left at the end is numeric. Fit and transform run it first, and a DAG can
 * run it before any data is read. Errors name the step index, its op and the column.
 */
import type { ColumnSchema, ColumnType } from '../frame/frame';
import { FeaturePipelineError, stepLabel, type FeaturePipelineSpec, type FeatureStep } from './spec';

/**
 * 'encoded': the numeric outputs of a one-hot encoding, whose names depend on the data;
 * 'coded': category codes of the categorical step (for gradient boosting only).
 */
export type PlanType = ColumnType | 'encoded' | 'coded';

export interface PlanColumn {
  name: string;
  type: PlanType;
}

const NUMERIC: readonly PlanType[] = ['number', 'boolean', 'timestamp'];

export const interactName = (a: string, b: string): string => `${a}*${b}`;
export const datePartName = (column: string, part: string): string => `${column}_${part}`;

function fail(index: number, step: FeatureStep, message: string): never {
  throw new FeaturePipelineError(`feature pipeline ${stepLabel(index, step.op)}: ${message}`);
}

function describeType(t: PlanType): string {
  if (t === 'coded') return "category-coded (a 'categorical' step: only gradient boosting splits on it)";
  return t === 'encoded' ? 'one-hot encoded' : `a ${t} column`;
}

/** The plan column named `name`, or an error saying which columns exist at this step. */
function need(cols: PlanColumn[], name: string, index: number, step: FeatureStep, accepts: readonly PlanType[], why: string): PlanColumn {
  const col = cols.find((c) => c.name === name);
  if (!col)
    fail(index, step, `column '${name}' is not a working column here (working columns: ${cols.map((c) => c.name).join(', ') || 'none'})`);
  if (col.type === 'encoded' && !accepts.includes('encoded'))
    fail(index, step, `column '${name}' was one-hot encoded by an earlier step; later steps cannot use it`);
  if (!accepts.includes(col.type)) fail(index, step, `column '${name}' is ${describeType(col.type)}; ${why}`);
  return col;
}

function replace(cols: PlanColumn[], name: string, by: PlanColumn[]): PlanColumn[] {
  const at = cols.findIndex((c) => c.name === name);
  return [...cols.slice(0, at), ...by, ...cols.slice(at + 1)];
}

function addNew(cols: PlanColumn[], add: PlanColumn[], index: number, step: FeatureStep): PlanColumn[] {
  for (const a of add)
    if (cols.some((c) => c.name === a.name)) fail(index, step, `it would create column '${a.name}', which already exists`);
  return [...cols, ...add];
}

/** The working columns after `step`, given those before it. */
export function planStep(cols: PlanColumn[], step: FeatureStep, index: number): PlanColumn[] {
  switch (step.op) {
    case 'impute': {
      const numericOnly = step.strategy === 'mean' || step.strategy === 'median';
      let out = cols;
      for (const name of step.columns) {
        const col = need(
          cols,
          name,
          index,
          step,
          numericOnly ? NUMERIC : [...NUMERIC, 'string'],
          numericOnly
            ? `strategy '${step.strategy}' needs numbers: use 'most_frequent' or 'constant'`
            : 'impute a column before it is encoded',
        );
        if (step.fillValue !== undefined && step.strategy === 'constant') {
          const wantsString = col.type === 'string';
          if (wantsString !== (typeof step.fillValue === 'string'))
            fail(index, step, `fillValue ${JSON.stringify(step.fillValue)} does not fit column '${name}', ${describeType(col.type)}`);
        }
        // The mean (or a two-value median) of a 0/1 column is a fraction: a number from here on.
        if (col.type === 'boolean' && numericOnly) out = replace(out, name, [{ name, type: 'number' }]);
      }
      return out;
    }
    case 'standardize':
    case 'minmax':
    case 'log': {
      let out = cols;
      for (const name of step.columns) {
        need(cols, name, index, step, NUMERIC, `${step.op} needs numbers${step.op === 'log' ? '' : ' (one-hot encode strings instead)'}`);
        out = replace(out, name, [{ name, type: 'number' }]);
      }
      return out;
    }
    case 'bin': {
      let out = cols;
      for (const name of step.columns) {
        need(cols, name, index, step, NUMERIC, 'binning needs numbers');
        out = replace(out, name, [{ name, type: step.encode === 'onehot' ? 'encoded' : 'number' }]);
      }
      return out;
    }
    case 'onehot': {
      let out = cols;
      for (const name of step.columns) {
        need(cols, name, index, step, [...NUMERIC, 'string'], 'it is already encoded');
        out = replace(out, name, [{ name, type: 'encoded' }]);
      }
      return out;
    }
    case 'categorical': {
      let out = cols;
      for (const name of step.columns) {
        need(cols, name, index, step, [...NUMERIC, 'string'], 'it is already encoded');
        out = replace(out, name, [{ name, type: 'coded' }]);
      }
      return out;
    }
    case 'date_parts': {
      let out = cols;
      for (const name of step.columns) {
        need(cols, name, index, step, ['timestamp'], 'date_parts needs a timestamp column');
        const parts = step.parts.map((p) => ({ name: datePartName(name, p), type: 'number' as const }));
        for (const p of parts)
          if (out.some((c) => c.name === p.name)) fail(index, step, `it would create column '${p.name}', which already exists`);
        out = replace(out, name, step.keep ? [{ name, type: 'timestamp' }, ...parts] : parts);
      }
      return out;
    }
    case 'interact': {
      let out = cols;
      for (const [a, b] of step.pairs) {
        for (const name of [a, b]) need(cols, name, index, step, ['number', 'boolean'], 'interactions multiply numbers');
        out = addNew(out, [{ name: interactName(a, b), type: 'number' }], index, step);
      }
      return out;
    }
    case 'drop': {
      let out = cols;
      for (const name of step.columns) {
        need(cols, name, index, step, [...NUMERIC, 'string', 'encoded', 'coded'], '');
        out = out.filter((c) => c.name !== name);
      }
      return out;
    }
  }
}

/** Why a column left at the end of the pipeline cannot be a model feature; null when it can. */
function finalProblem(col: PlanColumn): string | null {
  if (col.type === 'string')
    return `feature '${col.name}' is a string column: one-hot encode it (add {"op":"onehot","columns":["${col.name}"]})`;
  if (col.type === 'timestamp')
    return `feature '${col.name}' is a timestamp column: extract date_parts from it, standardize it, or drop it`;
  return null;
}

/**
 * Check `spec` against the input columns; returns the working columns after the last step.
 * Every error names the step (index and op) and the column.
 */
export function planFeatureSpec(spec: FeaturePipelineSpec, inputs: readonly ColumnSchema[]): PlanColumn[] {
  let cols: PlanColumn[] = spec.features.map((name) => {
    const input = inputs.find((c) => c.name === name);
    if (!input)
      throw new FeaturePipelineError(
        `feature pipeline: input column '${name}' does not exist (columns: ${inputs.map((c) => c.name).join(', ')})`,
      );
    return { name, type: input.type };
  });
  spec.steps.forEach((step, i) => {
    cols = planStep(cols, step, i);
  });
  if (cols.length === 0) throw new FeaturePipelineError('feature pipeline: no feature is left after the last step');
  for (const col of cols) {
    const problem = finalProblem(col);
    if (problem) throw new FeaturePipelineError(`feature pipeline: ${problem}`);
  }
  return cols;
}
