/**
 * The promotion gate's checks. Pure and free of Node imports: the DAG's branch (workflow
 * code) and the `rejected` activity both use it, so they can never disagree.
 */

export interface GateThresholds {
  minAccuracy: number;
}

export interface GateCheck {
  metric: 'accuracy';
  value: number;
  threshold: number;
  /** value ≥ threshold */
  passed: boolean;
}

export function gateChecks(metrics: { accuracy: number }, t: GateThresholds): GateCheck[] {
  return [{ metric: 'accuracy', value: metrics.accuracy, threshold: t.minAccuracy, passed: metrics.accuracy >= t.minAccuracy }];
}

export function gatePasses(metrics: { accuracy: number }, t: GateThresholds): boolean {
  return gateChecks(metrics, t).every((c) => c.passed);
}
