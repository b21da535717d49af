/** The prediction log tests' served models and requests: a classifier and a regressor, inputs and their scores. */
import type { Frame } from '../../ml/frame/frame';
import type { Scores } from '../../ml/predict';
import type { ServedModel } from '../../serve/models';

export const classifier = (version: number): ServedModel =>
  ({ name: 'flights', version, model: { artifact: { task: 'classification', classes: ['on_time', 'late'] } } }) as unknown as ServedModel;
export const iso = (ms: number): string => new Date(ms).toISOString();
export const regressor = { name: 'mass', version: 1, model: { artifact: { task: 'regression' } } } as unknown as ServedModel;

export const SCHEMA = [
  { name: 'distance', type: 'number' as const },
  { name: 'origin', type: 'string' as const },
];

/** `n` request rows of the SCHEMA columns numbered from `from` (the second row's origin missing). */
export function inputs(n: number, from: number): Frame {
  return {
    rows: n,
    columns: [
      { name: 'distance', type: 'number', values: Float64Array.from({ length: n }, (_, i) => from + i) },
      { name: 'origin', type: 'string', values: Array.from({ length: n }, (_, i) => (i === 1 ? null : `O${from + i}`)) },
    ],
  };
}

/** Scores for `inputs(n, from)`: P(late) = row number / 10. */
export function scores(n: number, from: number): Scores {
  const late = Array.from({ length: n }, (_, i) => (from + i) / 10);
  return {
    rows: n,
    labels: late.map((p) => (p > 0.5 ? 'late' : 'on_time')),
    proba: Float64Array.from(late.flatMap((p) => [1 - p, p])),
    values: Float64Array.from(late, (p) => (p > 0.5 ? 1 : 0)),
  };
}
