/**
 * The promotion gate ("blessing", TFX Evaluator semantics). Pure and free of Node imports: the
 * DAG's branch (workflow code) and the activities both use it, so they can never disagree.
 *
 *  - value threshold:  lower ≤ metric ≤ upper
 *  - change threshold vs the champion: diff = candidate − champion; higher-is-better passes when
 *    diff ≥ absolute (lower-is-better: diff ≤ absolute); relative compares diff / |champion| the
 *    same way; absolute and relative are ANDed
 *  - no champion yet (first model): change thresholds are ignored, value thresholds still apply
 *  - a metric the candidate lacks fails ("metric not found"); so does one the champion lacks
 *    when a change threshold needs it
 */

import { higherIsBetter } from '../ml/metrics/direction';

export { higherIsBetter };

export interface MetricThreshold {
  metric: string;
  /** Default: from the metric's name (log_loss, rmse, mae are lower-is-better). */
  higherIsBetter?: boolean;
  /** Value threshold bounds. */
  lower?: number;
  upper?: number;
  /** Change thresholds against the champion (TFX GenericChangeThreshold). */
  absoluteChange?: number;
  relativeChange?: number;
}

export interface GateCheck {
  metric: string;
  kind: 'value' | 'change';
  passed: boolean;
  /** The candidate's value (NaN when missing). */
  value: number;
  /** The champion's value, for change checks. */
  baseline?: number;
  /** e.g. "≥ 0.9", "diff ≥ -0.01", "diff/baseline ≥ 0". */
  threshold: string;
  message: string;
}

export interface GateDecision {
  blessed: boolean;
  checks: GateCheck[];
  /** True when there was no champion, so change thresholds were not applied. */
  changeThresholdsIgnored: boolean;
  /** One line: which thresholds failed, or that all passed. */
  summary: string;
}

export interface Baseline {
  version?: number;
  metrics: Readonly<Record<string, number>>;
}

const fmt = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(6))) : String(x));

function valueChecks(t: MetricThreshold, value: number | undefined): GateCheck[] {
  const checks: GateCheck[] = [];
  const v = value ?? NaN;
  const bounds: [string, boolean][] = [];
  if (t.lower !== undefined) bounds.push([`≥ ${fmt(t.lower)}`, v >= t.lower]);
  if (t.upper !== undefined) bounds.push([`≤ ${fmt(t.upper)}`, v <= t.upper]);
  for (const [threshold, ok] of bounds) {
    const passed = value !== undefined && ok;
    const message =
      value === undefined
        ? `${t.metric}: metric not found in the candidate's evaluation`
        : `${t.metric} = ${fmt(v)} ${passed ? 'meets' : 'fails'} ${threshold}`;
    checks.push({ metric: t.metric, kind: 'value', passed, value: v, threshold, message });
  }
  return checks;
}

function changeChecks(t: MetricThreshold, value: number | undefined, base: Baseline): GateCheck[] {
  const hib = t.higherIsBetter ?? higherIsBetter(t.metric);
  const cmp = hib ? '≥' : '≤';
  const baseValue = base.metrics[t.metric];
  const champ = base.version !== undefined ? `champion v${base.version}` : 'champion';
  const checks: GateCheck[] = [];
  const specs: [string, number, (diff: number, b: number) => number][] = [];
  if (t.absoluteChange !== undefined) specs.push([`diff ${cmp} ${fmt(t.absoluteChange)}`, t.absoluteChange, (d) => d]);
  if (t.relativeChange !== undefined)
    specs.push([`diff/${champ} ${cmp} ${fmt(t.relativeChange)}`, t.relativeChange, (d, b) => d / Math.abs(b)]);
  for (const [threshold, limit, measure] of specs) {
    const v = value ?? NaN;
    if (value === undefined || baseValue === undefined || !Number.isFinite(baseValue)) {
      const who = value === undefined ? "the candidate's evaluation" : `${champ}'s metrics`;
      checks.push({
        metric: t.metric,
        kind: 'change',
        passed: false,
        value: v,
        threshold,
        message: `${t.metric}: metric not found in ${who}`,
      });
      continue;
    }
    const diff = value - baseValue;
    const m = measure(diff, baseValue);
    const passed = Number.isFinite(m) && (hib ? m >= limit : m <= limit);
    const message = `${t.metric} ${fmt(value)} vs ${champ} ${fmt(baseValue)}: ${threshold.startsWith('diff/') ? 'relative change' : 'change'} ${fmt(m)} ${passed ? 'meets' : 'fails'} ${cmp} ${fmt(limit)}`;
    checks.push({ metric: t.metric, kind: 'change', passed, value, baseline: baseValue, threshold, message });
  }
  return checks;
}

/** Bless (or not) a candidate's metrics against the thresholds and the champion, if any. */
export function decideGate(
  candidate: Readonly<Record<string, number>>,
  thresholds: readonly MetricThreshold[],
  champion: Baseline | null,
): GateDecision {
  const checks: GateCheck[] = [];
  let changeDeclared = false;
  for (const t of thresholds) {
    const value = candidate[t.metric];
    checks.push(...valueChecks(t, value));
    if (t.absoluteChange !== undefined || t.relativeChange !== undefined) {
      changeDeclared = true;
      if (champion) checks.push(...changeChecks(t, value, champion));
    }
  }
  const failed = checks.filter((c) => !c.passed);
  const blessed = failed.length === 0;
  const ignored = changeDeclared && champion === null;
  const summary = blessed
    ? `blessed: ${checks.length} check(s) passed${ignored ? ' (no champion yet: change thresholds ignored)' : ''}`
    : `not blessed: ${failed.map((c) => c.message).join('; ')}`;
  return { blessed, checks, changeThresholdsIgnored: ignored, summary };
}
