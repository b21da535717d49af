/**
 * The feature pipeline: standardize numeric columns, one-hot encode categorical ones.
 * `fitPipeline` learns every statistic from the rows it is given (the train split only);
 * `transformRows` applies them unchanged to any rows, so test rows never influence the fit.
 * Same conventions as scikit-learn's StandardScaler (population std; a constant column is
 * scaled by 1) and OneHotEncoder(handle_unknown='ignore') (an unseen category is all zeros).
 */
import type { FeatureSpec, Row } from '../types';
import type { Matrix } from './logreg';

export interface FeaturePipeline {
  format: 'tideflow.features';
  version: 1;
  numeric: { name: string; mean: number; std: number }[];
  categorical: { name: string; categories: string[] }[];
  /** Output column names, in matrix order: numeric columns, then `column=category`. */
  featureNames: string[];
  fittedRows: number;
}

function numberAt(row: Row, column: string, index: number): number {
  const v = row[column];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`row ${index}: numeric feature '${column}' is ${JSON.stringify(v)}`);
  return v;
}

function categoryAt(row: Row, column: string): string {
  const v = row[column];
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function fitPipeline(rows: readonly Row[], spec: FeatureSpec): FeaturePipeline {
  if (rows.length === 0) throw new RangeError('cannot fit a feature pipeline on no rows');
  const numeric = spec.numeric.map((name) => {
    let sum = 0;
    rows.forEach((r, i) => (sum += numberAt(r, name, i)));
    const mean = sum / rows.length;
    let sq = 0;
    rows.forEach((r, i) => (sq += (numberAt(r, name, i) - mean) ** 2));
    const std = Math.sqrt(sq / rows.length);
    return { name, mean, std: std > 0 ? std : 1 };
  });
  const categorical = spec.categorical.map((name) => ({
    name,
    categories: [...new Set(rows.map((r) => categoryAt(r, name)))].sort(),
  }));
  const featureNames = [...numeric.map((n) => n.name), ...categorical.flatMap((c) => c.categories.map((cat) => `${c.name}=${cat}`))];
  return { format: 'tideflow.features', version: 1, numeric, categorical, featureNames, fittedRows: rows.length };
}

export function transformRows(p: FeaturePipeline, rows: readonly Row[]): Matrix {
  const cols = p.featureNames.length;
  const data = new Float64Array(rows.length * cols);
  const lookups = p.categorical.map((c) => new Map(c.categories.map((cat, i) => [cat, i])));
  rows.forEach((row, i) => {
    let j = i * cols;
    for (const n of p.numeric) data[j++] = (numberAt(row, n.name, i) - n.mean) / n.std;
    p.categorical.forEach((c, ci) => {
      const hit = lookups[ci]?.get(categoryAt(row, c.name));
      if (hit !== undefined) data[j + hit] = 1;
      j += c.categories.length;
    });
  });
  return { data, rows: rows.length, cols };
}

/** Class index of each row's target; an unknown class is an error (the classes come from validation). */
export function encodeLabels(rows: readonly Row[], target: string, classes: readonly string[]): Int32Array {
  const index = new Map(classes.map((c, i) => [c, i]));
  const y = new Int32Array(rows.length);
  rows.forEach((row, i) => {
    const label = index.get(String(row[target]));
    if (label === undefined) throw new RangeError(`row ${i}: target '${target}' value ${JSON.stringify(row[target])} is not one of ${classes.join(', ')}`);
    y[i] = label;
  });
  return y;
}
