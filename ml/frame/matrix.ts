/** A dense row-major matrix of features: row i, column j at data[i * cols + j]. What every trainer takes. */
export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
}
