/**
 * Performance drift, the comparison (pure, deterministic): compare the model's performance on the
 * labeled rows of a production window with the metrics recorded on its baseline version (the
 * champion, or the version that answered a prediction-log window) at registration, with
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
 * The spec and the window's counts are ./performance.ts; the window's metric values come from
 * ./performance-window.ts.
 * Directions come from core/metric-direction, the rule the gate and model selection use.
 */
import { higherIsBetter } from '../metrics/direction';
import {
  METRIC_INFO,
  performanceSpecProblems,
  type DegradationLimit,
  type PerformanceMetric,
  type PerformanceSpec,
  type PerformanceTask,
  type WindowCounts,
  type WindowMetrics,
} from './performance';

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
