/**
 * Performance drift, the spec (pure, deterministic): which metrics to watch on the labeled rows of
 * a production window and how far each may degrade from the baseline version's recorded test metric.
 * This file is imported by the drift_monitor DAG's params schema, i.e. by workflow code: it holds
 * no metric code. The window's metric values come from ./performance-window.ts; the comparison with
 * the baseline (TFX-like change thresholds) is ./performance-compare.ts.
 */
export const PERFORMANCE_METRICS = [
  'accuracy',
  'f1',
  'macro_f1',
  'precision',
  'recall',
  'roc_auc',
  'log_loss',
  'rmse',
  'mae',
  'r2',
] as const;
export type PerformanceMetric = (typeof PERFORMANCE_METRICS)[number];
export type PerformanceTask = 'classification' | 'regression';

interface MetricInfo {
  task: PerformanceTask;
  /** Computed from the probability column rather than the predicted label. */
  needsProbability: boolean;
  /** Keys tried, in order, in the champion version's `metrics` (registration has used both spellings). */
  championKeys: readonly string[];
}

export const METRIC_INFO: Readonly<Record<PerformanceMetric, MetricInfo>> = {
  accuracy: { task: 'classification', needsProbability: false, championKeys: ['accuracy'] },
  f1: { task: 'classification', needsProbability: false, championKeys: ['f1'] },
  macro_f1: { task: 'classification', needsProbability: false, championKeys: ['macro_f1', 'macroF1', 'f1_macro'] },
  precision: { task: 'classification', needsProbability: false, championKeys: ['precision'] },
  recall: { task: 'classification', needsProbability: false, championKeys: ['recall'] },
  roc_auc: { task: 'classification', needsProbability: true, championKeys: ['roc_auc', 'rocAuc', 'auc'] },
  log_loss: { task: 'classification', needsProbability: true, championKeys: ['log_loss', 'logLoss'] },
  rmse: { task: 'regression', needsProbability: false, championKeys: ['rmse'] },
  mae: { task: 'regression', needsProbability: false, championKeys: ['mae'] },
  r2: { task: 'regression', needsProbability: false, championKeys: ['r2', 'r2_score'] },
};

/**
 * How far a live metric may fall below the champion's recorded value before it counts as
 * performance drift. Not the promotion gate's MetricThreshold (mlops/gate.ts), which bounds a
 * candidate's value and its change against the champion (TFX semantics, signed change).
 */
export interface DegradationLimit {
  name: PerformanceMetric;
  /** Largest allowed absolute degradation. */
  maxDrop?: number;
  /** Largest allowed degradation relative to the champion's value (0.1 = 10 %). */
  maxRelativeDrop?: number;
  /** Key of the champion's recorded metric, when it is not one of METRIC_INFO's spellings. */
  championKey?: string;
}

export interface PerformanceSpec {
  predictionColumn: string;
  labelColumn: string;
  /** Classification: the positive-class probability (a number) or a {class: probability} object per row. */
  probabilityColumn?: string;
  /** The positive class of binary metrics (f1/precision/recall on two classes, roc_auc, log_loss). */
  positiveLabel?: string;
  task: PerformanceTask;
  metrics: DegradationLimit[];
  minLabeledRows: number;
}

/** Problems of a spec, each naming the metric or parameter ([] when fine). */
export function performanceSpecProblems(
  spec: Pick<PerformanceSpec, 'task' | 'metrics' | 'probabilityColumn' | 'predictionColumn' | 'labelColumn'>,
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  if (spec.predictionColumn === spec.labelColumn)
    problems.push(`performance: predictionColumn and labelColumn are both '${spec.labelColumn}'`);
  for (const m of spec.metrics) {
    const info = METRIC_INFO[m.name];
    if (!info) {
      problems.push(`performance.metrics: unknown metric '${String(m.name)}' (one of ${PERFORMANCE_METRICS.join(', ')})`);
      continue;
    }
    if (seen.has(m.name)) problems.push(`performance.metrics: '${m.name}' is declared twice`);
    seen.add(m.name);
    if (info.task !== spec.task) problems.push(`performance.metrics: '${m.name}' is a ${info.task} metric, but task is '${spec.task}'`);
    if (info.needsProbability && !spec.probabilityColumn)
      problems.push(`performance.metrics: '${m.name}' needs performance.probabilityColumn`);
    if (m.maxDrop === undefined && m.maxRelativeDrop === undefined)
      problems.push(`performance.metrics: '${m.name}' needs maxDrop or maxRelativeDrop`);
    for (const key of ['maxDrop', 'maxRelativeDrop'] as const) {
      const v = m[key];
      if (v !== undefined && !(Number.isFinite(v) && v >= 0))
        problems.push(`performance.metrics: '${m.name}'.${key} must be a finite number ≥ 0, got ${v}`);
    }
  }
  if (spec.metrics.length === 0) problems.push('performance.metrics: declare at least one metric');
  return problems;
}

/** Rows of the window, as counted by ./performance-window.ts. */
export interface WindowCounts {
  rows: number;
  /** Rows with both a label and a prediction: the scored ones. */
  labeledRows: number;
  /** Rows without a label (ignored). */
  missingLabel: number;
  /** Rows with a label but no prediction (ignored). */
  missingPrediction: number;
}

/** The window's metric values; a metric that cannot be computed carries the reason instead. */
export interface WindowMetrics extends WindowCounts {
  values: Partial<Record<PerformanceMetric, number>>;
  errors: Partial<Record<PerformanceMetric, string>>;
  /** Classification: the classes, in index order. */
  classes?: string[];
  /** When the window could not be scored at all (e.g. the label column is absent). */
  note?: string;
}
