/**
 * Shapes shared by the ML retraining activities. Task outputs stay small: data lives in S3
 * artifacts and travels between tasks as `ArtifactRef`s (uri + size + checksum).
 */

/** A JSON artifact in S3; readers verify `bytes` and `sha256` before trusting it. */
export interface ArtifactRef {
  /** s3://bucket/key */
  uri: string;
  bytes: number;
  sha256: string;
}

/** A dataset artifact: a JSON array of row objects. */
export interface DatasetRef extends ArtifactRef {
  rows: number;
  columns: string[];
}

/** Which columns feed the model, and how each is encoded. */
export interface FeatureSpec {
  /** Standardized with the train split's mean and standard deviation. */
  numeric: string[];
  /** One-hot encoded with the train split's categories; unseen categories encode as all zeros. */
  categorical: string[];
}

/** A row as parsed from the source: column name → cell value. */
export type Row = Record<string, unknown>;

/** One candidate of the hyperparameter grid. */
export interface TrialConfig {
  /** Position in the expanded grid; the final tie-break when two trials score the same. */
  index: number;
  l2: number;
  learningRate: number;
  epochs: number;
}

export interface TrialResult {
  config: TrialConfig;
  cvAccuracy: number;
  cvLogLoss: number;
  /** Accuracy of each fold, in fold order. */
  foldAccuracies: number[];
}

export type SelectionMetric = 'cvAccuracy' | 'cvLogLoss';

export interface EvalMetrics {
  accuracy: number;
  macroF1: number;
  logLoss: number;
  /** Rows of the test split. */
  n: number;
  /** confusion[i][j]: rows of true class i predicted as class j (order of `classes`). */
  confusion: number[][];
  classes: string[];
}
