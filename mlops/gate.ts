/**
 * The promotion gate ("blessing", TFX Evaluator semantics). Pure and free of Node imports: the
 * DAG's branch (workflow code) and the activities both use it, so they can never disagree.
 *
 *  - value threshold:  lower ≤ metric ≤ upper
 *  - change threshold vs the champion, in the drift monitor's vocabulary (ml/drift/performance.ts):
 *    drop = how much worse the candidate is (champion − candidate when higher is better, candidate
 *    − champion when lower is better); passes when drop ≤ maxDrop, and drop / |champion| ≤
 *    maxRelativeDrop; both are ANDed. A negative limit asks for an improvement of at least that much.
 *    The older spelling (absoluteChange / relativeChange: a signed bound on candidate − champion,
 *    ≥ for higher-is-better, ≤ for lower-is-better) is still read, as the same limit.
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
  /** Change thresholds against the champion (TFX GenericChangeThreshold): the largest drop tolerated. */
  maxDrop?: number;
  maxRelativeDrop?: number;
  /** @deprecated the older spelling of maxDrop (signed by direction); read as an alias. */
  absoluteChange?: number;
  /** @deprecated the older spelling of maxRelativeDrop; read as an alias. */
  relativeChange?: number;
}

/**
 * The change limits of a threshold, whichever spelling it used: the old bound on
 * candidate − champion is −maxDrop for a higher-is-better metric and +maxDrop for a lower one.
 */
export function changeLimits(t: MetricThreshold): { maxDrop?: number; maxRelativeDrop?: number } {
  const sign = (t.higherIsBetter ?? higherIsBetter(t.metric)) ? -1 : 1;
  const maxDrop = t.maxDrop ?? (t.absoluteChange === undefined ? undefined : sign * t.absoluteChange);
  const maxRelativeDrop = t.maxRelativeDrop ?? (t.relativeChange === undefined ? undefined : sign * t.relativeChange);
  return { ...(maxDrop !== undefined && { maxDrop }), ...(maxRelativeDrop !== undefined && { maxRelativeDrop }) };
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
  const sign = (t.higherIsBetter ?? higherIsBetter(t.metric)) ? -1 : 1;
  const baseValue = base.metrics[t.metric];
  const champ = base.version !== undefined ? `champion v${base.version}` : 'champion';
  const { maxDrop, maxRelativeDrop } = changeLimits(t);
  const checks: GateCheck[] = [];
  const specs: [string, string, number, (drop: number, b: number) => number][] = [];
  if (maxDrop !== undefined) specs.push(['drop', `drop ≤ ${fmt(maxDrop)}`, maxDrop, (d) => d]);
  if (maxRelativeDrop !== undefined)
    specs.push(['relative drop', `drop/${champ} ≤ ${fmt(maxRelativeDrop)}`, maxRelativeDrop, (d, b) => d / Math.abs(b)]);
  for (const [what, threshold, limit, measure] of specs) {
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
    const m = measure(sign * (value - baseValue), baseValue);
    const passed = Number.isFinite(m) && m <= limit;
    const message = `${t.metric} ${fmt(value)} vs ${champ} ${fmt(baseValue)}: ${what} ${fmt(m)} ${passed ? 'meets' : 'fails'} ≤ ${fmt(limit)}`;
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
    const limits = changeLimits(t);
    if (limits.maxDrop !== undefined || limits.maxRelativeDrop !== undefined) {
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
