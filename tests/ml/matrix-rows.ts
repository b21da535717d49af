/** Matrices as plain rows, for tests that compare a transform's output with written-out values. */
import { type Matrix, toDense } from '../../ml/frame/matrix';

/** Rows of the matrix as the model sees them (one-hot blocks expanded). */
export const rowsOf = (sparse: Matrix): number[][] => {
  const m = toDense(sparse);
  return Array.from({ length: m.rows }, (_, i) => Array.from(m.data.subarray(i * m.cols, (i + 1) * m.cols)));
};
