/**
 * Performance drift (pure, deterministic): compare the model's performance on the labeled rows of a
 * production window with the metrics recorded on its champion version at registration, with
 * TFX-like change thresholds (../shared/notes/semantics.md, "TFX evaluator blessing").
 *
 * For each declared metric:
 *   degradation = champion − current   (higher is better: accuracy, f1, roc_auc, r2, …)
 *   degradation = current − champion   (lower is better: log_loss, rmse, mae)
 *   relative    = degradation / |champion|
 * The metric drifts when degradation > maxDrop or relative > maxRelativeDrop (either threshold may
 * be omitted, not both; a value exactly at the threshold is within it). A champion of 0 has no
 * relative change: any degradation from 0 exceeds a relative threshold.
 *
 * Nothing passes silently: a metric the champion has no value for, a window metric that cannot be
 * computed (one class only for roc_auc, no probabilities…), or no champion at all is reported as
 * 'not_compared' with the reason, and the window is then 'not_compared' unless another metric drifted.
 * Fewer labeled rows than `minLabeledRows` → 'insufficient_labels' (not drift; reported).
 *
 * The window's metric values come from ./performance-window.ts (kept apart: this file is imported
 * by the drift_monitor DAG's params schema, i.e. by workflow code, and needs no metric code).
 * Directions come from core/metric-direction, the rule the gate and model selection use.
 */
import { higherIsBetter } from '../metrics/direction';

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

export interface ChampionMetrics {
  version: number;
  metrics: Record<string, number>;
}

export type MetricVerdict = 'drift' | 'ok' | 'not_compared';

export interface MetricComparison {
  metric: PerformanceMetric;
  higherIsBetter: boolean;
  current?: number;
  champion?: number;
  /** The key the champion's value was read from. */
  championKey?: string;
  degradation?: number;
  /** Absent when the champion's value is 0. */
  relativeDegradation?: number;
  maxDrop?: number;
  maxRelativeDrop?: number;
  verdict: MetricVerdict;
  /** One sentence: what was compared and why the verdict. */
  reason: string;
}

export type PerformanceStatus = 'drift' | 'ok' | 'not_compared' | 'insufficient_labels';

export interface PerformanceDrift extends WindowCounts {
  status: PerformanceStatus;
  drifted: boolean;
  task: PerformanceTask;
  minLabeledRows: number;
  champion: { version: number } | null;
  metrics: MetricComparison[];
  driftedMetrics: PerformanceMetric[];
  /** One line for logs, the CLI and the drift signal's reason. */
  summary: string;
  classes?: string[];
}

/** Tolerance on threshold comparisons: 0.94 − 0.89 is 0.05000000000000004, which is "0.05". */
const EPS = 1e-12;

export function formatMetric(x: number): string {
  if (x !== 0 && Math.abs(x) < 1e-3) return x.toExponential(2);
  return String(Number(x.toFixed(4)));
}

const signed = (x: number): string => `${x < 0 ? '−' : '+'}${formatMetric(Math.abs(x))}`;
const percent = (x: number): string => `${Number((x * 100).toFixed(2))}%`;
const signedPercent = (x: number): string => `${x < 0 ? '−' : '+'}${percent(Math.abs(x))}`;

/** The champion's recorded value of a metric, and the key it was found under. */
export function championValue(champion: ChampionMetrics, t: DegradationLimit): { key: string; value: number } | undefined {
  const keys = t.championKey ? [t.championKey] : METRIC_INFO[t.name].championKeys;
  for (const key of keys) {
    const v = champion.metrics[key];
    if (typeof v === 'number' && Number.isFinite(v)) return { key, value: v };
  }
  return undefined;
}

/** Compare one metric's current value with the champion's (TFX change-threshold semantics, above). */
export function compareMetric(
  t: DegradationLimit,
  current: number,
  champion: number,
  championVersion: number,
): Omit<MetricComparison, 'championKey'> {
  const higher = higherIsBetter(t.name);
  const degradation = higher ? champion - current : current - champion;
  const relative = champion !== 0 ? degradation / Math.abs(champion) : undefined;
  const overAbs = t.maxDrop !== undefined && degradation > t.maxDrop + EPS;
  const overRel = t.maxRelativeDrop !== undefined && (relative === undefined ? degradation > EPS : relative > t.maxRelativeDrop + EPS);
  const change = current - champion;
  const fromTo = `from ${formatMetric(champion)} (champion v${championVersion}) to ${formatMetric(current)}`;
  const relText = relative === undefined ? 'any change from 0' : signedPercent(higher ? -relative : relative);
  const parts: string[] = [];
  if (overAbs) parts.push(`${signed(change)} > ${formatMetric(t.maxDrop as number)}`);
  if (overRel) parts.push(`${relText} > ${percent(t.maxRelativeDrop as number)}`);
  let reason: string;
  if (parts.length > 0) {
    reason = `${t.name} ${higher ? 'dropped' : 'rose'} ${fromTo} (${parts.join(', ')})`;
  } else {
    const limits = [
      t.maxDrop !== undefined ? `≤ ${formatMetric(t.maxDrop)}` : '',
      t.maxRelativeDrop !== undefined ? `≤ ${percent(t.maxRelativeDrop)} relative` : '',
    ]
      .filter(Boolean)
      .join(', ');
    reason = `${t.name} ${formatMetric(current)} vs ${formatMetric(champion)} (champion v${championVersion}): change ${signed(change)} within ${limits}`;
  }
  return {
    metric: t.name,
    higherIsBetter: higher,
    current,
    champion,
    degradation,
    ...(relative !== undefined && { relativeDegradation: relative }),
    ...(t.maxDrop !== undefined && { maxDrop: t.maxDrop }),
    ...(t.maxRelativeDrop !== undefined && { maxRelativeDrop: t.maxRelativeDrop }),
    verdict: parts.length > 0 ? 'drift' : 'ok',
    reason,
  };
}

function notCompared(t: DegradationLimit, reason: string, current?: number): MetricComparison {
  return {
    metric: t.name,
    higherIsBetter: higherIsBetter(t.name),
    ...(current !== undefined && { current }),
    ...(t.maxDrop !== undefined && { maxDrop: t.maxDrop }),
    ...(t.maxRelativeDrop !== undefined && { maxRelativeDrop: t.maxRelativeDrop }),
    verdict: 'not_compared',
    reason,
  };
}

/**
 * The performance verdict of a window: `window` from windowMetrics(), `champion` the champion
 * version's recorded metrics (undefined when the model has no champion; `noChampion` says why).
 */
export function comparePerformance(
  spec: PerformanceSpec,
  window: WindowMetrics,
  champion: ChampionMetrics | undefined,
  noChampion = 'the model has no champion version',
): PerformanceDrift {
  const problems = performanceSpecProblems(spec);
  if (problems.length > 0) throw new Error(problems.join('; '));
  const counts: WindowCounts = {
    rows: window.rows,
    labeledRows: window.labeledRows,
    missingLabel: window.missingLabel,
    missingPrediction: window.missingPrediction,
  };
  const base = {
    ...counts,
    task: spec.task,
    minLabeledRows: spec.minLabeledRows,
    champion: champion ? { version: champion.version } : null,
    ...(window.classes && { classes: window.classes }),
  };
  if (window.labeledRows < spec.minLabeledRows) {
    const why = `insufficient labels: ${window.labeledRows} labeled rows < minLabeledRows ${spec.minLabeledRows}${window.note ? ` (${window.note})` : ''}`;
    return {
      ...base,
      status: 'insufficient_labels',
      drifted: false,
      metrics: spec.metrics.map((t) => notCompared(t, why)),
      driftedMetrics: [],
      summary: why,
    };
  }
  const metrics = spec.metrics.map((t): MetricComparison => {
    const current = window.values[t.name];
    if (current === undefined) return notCompared(t, `${t.name} not computed on the window: ${window.errors[t.name] ?? 'no value'}`);
    if (!champion) return notCompared(t, `${t.name} = ${formatMetric(current)}, not compared: ${noChampion}`, current);
    const recorded = championValue(champion, t);
    if (!recorded) {
      const keys = Object.keys(champion.metrics);
      const tried = t.championKey ? [t.championKey] : METRIC_INFO[t.name].championKeys;
      return notCompared(
        t,
        `${t.name} = ${formatMetric(current)}, not compared: champion v${champion.version} has no recorded ${tried.join('/')} (it has ${keys.length > 0 ? keys.join(', ') : 'no metrics'})`,
        current,
      );
    }
    return { ...compareMetric(t, current, recorded.value, champion.version), championKey: recorded.key };
  });
  const drifted = metrics.filter((m) => m.verdict === 'drift');
  const skipped = metrics.filter((m) => m.verdict === 'not_compared');
  const status: PerformanceStatus = drifted.length > 0 ? 'drift' : skipped.length > 0 ? 'not_compared' : 'ok';
  const summary =
    status === 'drift'
      ? `performance drift: ${drifted.map((m) => m.reason).join('; ')}`
      : status === 'not_compared'
        ? `performance not fully compared (${window.labeledRows} labeled rows): ${skipped.map((m) => m.reason).join('; ')}`
        : `no performance drift (${window.labeledRows} labeled rows; ${metrics.map((m) => `${m.metric} ${formatMetric(m.current as number)}`).join(', ')})`;
  return { ...base, status, drifted: drifted.length > 0, metrics, driftedMetrics: drifted.map((m) => m.metric), summary };
}
