/** A dense row-major matrix of features: row i, column j at data[i * cols + j]. What every trainer takes. */
export interface Matrix {
  data: Float64Array;
  rows: number;
  cols: number;
  /**
   * Per column: true when the column holds category codes (0..k−1 as floats, NaN = missing) that
   * gradient boosting splits on natively (by category sets, not thresholds); linear models refuse
   * such columns. Absent = every column numeric.
   */
  categorical?: readonly boolean[];
}
