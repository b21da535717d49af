/**
 * The input of the HTML run report: everything a run learned, in plain JSON-able shapes, so the
 * report activity can gather it from task outputs and artifacts and the renderer stays pure.
 * Every section but the run's identity is optional: a run may fail early or be rejected, and the
 * report still renders what is known (absent sections are listed as "not available").
 */

export type ReportColumnType = 'number' | 'boolean' | 'timestamp' | 'string';

export interface ReportRun {
  dagId: string;
  workflowId: string;
  runId?: string;
  /** ISO 8601. */
  logicalDate?: string;
  /** manual | scheduled | backfill | … (free text). */
  trigger?: string;
  /** ISO 8601. */
  startedAt?: string;
  /** The run's params; shown as a collapsible JSON block. */
  params: Record<string, unknown>;
  modelName: string;
  /** Steps whose output this run reused from an earlier run (step cache or re-run from failure). */
  cachedSteps?: { task: string; from: string }[];
}

export interface ReportHistogram {
  /** Bin edges, ascending; `edges.length === counts.length + 1`. Timestamps in epoch ms. */
  edges: number[];
  counts: number[];
}

export interface ReportColumn {
  name: string;
  type: ReportColumnType;
  /** Non-missing values. */
  count: number;
  missing: number;
  /** missing / rows, in [0, 1]. */
  missingFraction: number;
  /** For number/boolean/timestamp (timestamps in epoch ms UTC; std in ms). */
  mean?: number;
  std?: number;
  min?: number;
  max?: number;
  /** e.g. { p25: …, p50: …, p75: … }; keys shown as given. */
  quantiles?: Record<string, number>;
  /** Numeric/timestamp columns: drawn as a histogram. */
  histogram?: { edges: number[]; counts: number[] };
  /** Categorical (string/boolean) columns: drawn as bars, the first 20 shown. */
  topValues?: { value: string; count: number }[];
  /** Distinct non-missing values. */
  unique?: number;
}

export interface ReportData {
  /** Where the data came from (uri or description). */
  source: string;
  rows: number;
  columns: ReportColumn[];
}

export interface ReportAnomaly {
  /** null: the anomaly concerns the whole dataset. */
  column: string | null;
  kind: string;
  severity: 'error' | 'warning';
  message: string;
}

export interface ReportSplit {
  strategy: string;
  /** Exact row counts (shown with thousands separators, never rounded). */
  train: number;
  test: number;
  /** Random/stratified splits: the test share asked for and the seed of the shuffle. */
  testFraction?: number;
  seed?: number;
  /** Time split: the timestamp column, the cutoff asked for (ISO 8601), the observed boundary. */
  timeColumn?: string;
  cutoff?: string;
  boundary?: { lastTrain: string; firstTest: string };
  /** Rows left out because their target is missing. */
  missingTarget?: number;
  /** Classification: rows per class on each side. */
  trainClassCounts?: Record<string, number>;
  testClassCounts?: Record<string, number>;
}

export interface ReportTrial {
  index: number;
  /** Model family, e.g. logistic | gbt | ridge. */
  kind: string;
  hyperparams: Record<string, unknown>;
  /** The named feature pipeline of the trial, when the run declared per-trial pipelines. */
  pipeline?: string;
  /** Cross-validated mean of `tuning.metric`. */
  mean: number;
  std?: number;
  perFold?: number[];
}

export interface ReportTuning {
  metric: string;
  higherIsBetter: boolean;
  trials: ReportTrial[];
  /** `index` of the chosen trial (matched against ReportTrial.index). */
  bestIndex: number;
}

export interface ReportRocCurve {
  /** Same length as tpr; points in threshold order (fpr non-decreasing), as sklearn's roc_curve. */
  fpr: number[];
  tpr: number[];
}

export interface ReportChampion {
  version: number;
  metrics: Record<string, number>;
  rocCurve?: ReportRocCurve;
}

export interface ReportEvaluation {
  task: 'binary' | 'multiclass' | 'regression';
  /** Class labels in the order of the confusion matrix's rows and columns. */
  classes?: string[];
  metrics: Record<string, number>;
  /** confusion[i][j]: test rows of true class i predicted as class j. */
  confusion?: number[][];
  rocCurve?: ReportRocCurve;
  /** The model currently holding the champion alias, evaluated on the same test split. */
  champion?: ReportChampion;
  /** Binary tasks: precision, recall and F1 as the decision threshold moves. */
  thresholds?: ReportThresholds;
  /** Which input features the model relies on. */
  importance?: ReportImportance;
}

/** One operating point: predict the positive class when its probability is ≥ threshold. */
export interface ReportThresholdPoint {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  /** Test rows predicted positive at this threshold (table rows only). */
  predictedPositive?: number;
}

export interface ReportThresholds {
  positiveClass?: string;
  /** sklearn's precision_recall_curve points (with F1), downsampled for drawing; ascending threshold. */
  curve: ReportThresholdPoint[];
  /** Exact values at round thresholds (0.1 … 0.9 and the F1-optimal one). */
  table: ReportThresholdPoint[];
}

export interface ReportFeatureScore {
  name: string;
  value: number;
  /** Permutation importance: standard deviation over the repeats. */
  std?: number;
}

export interface ReportImportance {
  /** The model's own importances: split gain (GBT), split counts (older GBT models), |coefficient| × std (linear). */
  model?: { method: 'gain' | 'split_count' | 'abs_coefficient'; features: ReportFeatureScore[]; note?: string };
  /** Drop of `metric` on the test set when one input column is shuffled (mean ± std over nRepeats). */
  permutation?: { metric: string; nRepeats: number; rows: number; seed: number; features: ReportFeatureScore[] };
}

export interface ReportGateCheck {
  metric: string;
  /** value: an absolute threshold; change: relative to the champion's baseline. */
  kind: 'value' | 'change';
  passed: boolean;
  value: number;
  /** Human-readable threshold, e.g. ">= 0.9" or "no worse than -0.01". */
  threshold?: string;
  baseline?: number;
  message: string;
}

export interface ReportGate {
  blessed: boolean;
  checks: ReportGateCheck[];
  note?: string;
}

export interface ReportRegistration {
  version?: number;
  aliases?: string[];
  promoted?: boolean;
  rejectedReason?: string;
}

export interface ReportArtifact {
  name: string;
  /** Shown as text (s3:// is not a browser link; http(s) is never linked: the report loads nothing). */
  uri: string;
}

export interface RunReportData {
  run: ReportRun;
  data?: ReportData;
  anomalies?: ReportAnomaly[];
  split?: ReportSplit;
  tuning?: ReportTuning;
  evaluation?: ReportEvaluation;
  gate?: ReportGate;
  registration?: ReportRegistration;
  artifacts?: ReportArtifact[];
}
