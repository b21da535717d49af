/**
 * What a rollout is asked to do and how it judges a candidate (issue 12.3), pure so the workflow,
 * the activities, the server and the CLI share one reading of it. A rollout moves traffic of one
 * model's alias (champion by default) from its stable version to a candidate version:
 *   - canary: the candidate gets steps[i] % of the requests for stepSeconds each, then the alias;
 *   - blue-green: after the candidate is checked loadable, 100 % at once for one bake period;
 *   - shadow: the candidate scores a copy of every request for one bake period, answers come from
 *     the stable version; then the alias.
 * Guards are checked while each step bakes; the first breach rolls back.
 */
import { isValidModelName, MODEL_NAME_RULE } from '../core/model-name';

export type RolloutStrategy = 'canary' | 'shadow' | 'blue-green';
export const ROLLOUT_STRATEGIES: readonly RolloutStrategy[] = ['canary', 'shadow', 'blue-green'];
export type RolloutStatus = 'running' | 'paused' | 'aborted' | 'rolled-back' | 'promoted';
export interface Guards {
  /** Candidate error rate minus the stable version's over the same window (so clients' own bad input does not count). */
  maxErrorRate: number;
  /** Candidate latency p95 (server-side, request received to response sent; shadow: scoring time). */
  maxLatencyP95Ms: number;
  /** Candidate latency p99 (same measure as p95): the tail a slow candidate shows first. */
  maxLatencyP99Ms: number;
  /** Share of rows both versions scored (shadow copies, from the counters and the prediction log) whose answers differ. */
  maxDisagreement: number;
  /**
   * Prediction-distribution drift of the candidate vs the stable version in the prediction log
   * (class-share distance or KS statistic, mlops/rollout-predictions.ts), when also significant.
   */
  maxPredictionDrift: number;
  /** Candidate requests (shadow: scored copies) a window needs before it is judged and a step may end. */
  minRequests: number;
}

export const DEFAULT_GUARDS: Guards = {
  maxErrorRate: 0.02,
  maxLatencyP95Ms: 1000,
  maxLatencyP99Ms: 2000,
  maxDisagreement: 0.1,
  maxPredictionDrift: 0.2,
  minRequests: 20,
};
export const DEFAULT_CANARY_STEPS = [10, 50, 100];
export const DEFAULT_STEP_SECONDS = 300;
export const DEFAULT_ALIAS = 'champion';
/** About 10 history events per check: 200 checks keep a run near 2,000 events, far below Temporal's limits. */
export const DEFAULT_CHECKS_PER_RUN = 200;

export interface RolloutInput {
  model: string;
  candidate: number;
  strategy: RolloutStrategy;
  alias?: string;
  /** Canary traffic shares in percent, increasing, ending at 100. */
  steps?: number[];
  stepSeconds?: number;
  /** How often guards are checked while a step bakes (default: a tenth of the step, 1 to 30 s). */
  checkSeconds?: number;
  guards?: Partial<Guards>;
  actor?: string;
  reason?: string;
  /** Guard checks per workflow run before it continues as new (bounds its history; default 200). */
  checksPerRun?: number;
}

export interface RolloutPlan {
  model: string;
  candidate: number;
  strategy: RolloutStrategy;
  alias: string;
  /** Candidate share per step (shadow: [0], blue-green: [100]). */
  weights: number[];
  stepSeconds: number;
  checkSeconds: number;
  guards: Guards;
  actor: string;
  reason: string;
  checksPerRun: number;
}

const ALIAS = /^[\w-]{1,255}$/;

/** The plan with defaults filled in, or a message naming the bad field. */
export function planRollout(i: RolloutInput): RolloutPlan | string {
  if (typeof i.model !== 'string' || !isValidModelName(i.model))
    return `model: invalid name ${JSON.stringify(i.model)}: ${MODEL_NAME_RULE}`;
  if (!Number.isSafeInteger(i.candidate) || i.candidate < 1) return `candidate: a version number ≥ 1 is required, got ${i.candidate}`;
  if (!ROLLOUT_STRATEGIES.includes(i.strategy))
    return `strategy: one of ${ROLLOUT_STRATEGIES.join(', ')}, got ${JSON.stringify(i.strategy)}`;
  const alias = i.alias ?? DEFAULT_ALIAS;
  if (!ALIAS.test(alias)) return `alias: invalid ${JSON.stringify(alias)}`;
  const stepSeconds = i.stepSeconds ?? DEFAULT_STEP_SECONDS;
  if (!(stepSeconds > 0) || !Number.isFinite(stepSeconds)) return `stepSeconds: a positive number is required, got ${stepSeconds}`;
  let weights: number[];
  if (i.strategy === 'canary') {
    weights = i.steps ?? DEFAULT_CANARY_STEPS;
    if (weights.length === 0) return 'steps: at least one step is required';
    for (const [k, w] of weights.entries()) {
      if (!(w > 0 && w <= 100)) return `steps[${k}]: a share in (0, 100] percent is required, got ${w}`;
      if (k > 0 && w <= (weights[k - 1] as number)) return `steps[${k}]: shares must increase, got ${weights[k - 1]} then ${w}`;
    }
    if (weights[weights.length - 1] !== 100)
      return `steps: the last step must be 100 (the candidate takes all traffic before promotion), got ${weights.join(',')}`;
  } else {
    if (i.steps !== undefined) return `steps: only a canary has traffic steps (${i.strategy} has one bake period of stepSeconds)`;
    weights = i.strategy === 'shadow' ? [0] : [100];
  }
  const checkSeconds = i.checkSeconds ?? Math.min(30, Math.max(1, stepSeconds / 10));
  if (!(checkSeconds > 0) || !Number.isFinite(checkSeconds)) return `checkSeconds: a positive number is required, got ${checkSeconds}`;
  const guards: Guards = { ...DEFAULT_GUARDS, ...(i.guards ?? {}) };
  for (const k of ['maxErrorRate', 'maxDisagreement', 'maxPredictionDrift'] as const)
    if (!(guards[k] >= 0 && guards[k] <= 1)) return `guards.${k}: a rate in [0, 1] is required, got ${guards[k]}`;
  for (const k of ['maxLatencyP95Ms', 'maxLatencyP99Ms'] as const)
    if (!(guards[k] > 0)) return `guards.${k}: a positive number is required, got ${guards[k]}`;
  if (!Number.isSafeInteger(guards.minRequests) || guards.minRequests < 0)
    return `guards.minRequests: an integer ≥ 0 is required, got ${guards.minRequests}`;
  const checksPerRun = i.checksPerRun ?? DEFAULT_CHECKS_PER_RUN;
  if (!Number.isSafeInteger(checksPerRun) || checksPerRun < 1) return `checksPerRun: an integer ≥ 1 is required, got ${checksPerRun}`;
  return {
    model: i.model,
    candidate: i.candidate,
    strategy: i.strategy,
    alias,
    weights,
    stepSeconds,
    checkSeconds,
    guards,
    actor: i.actor ?? 'rollout',
    reason: i.reason ?? `${i.strategy} rollout of version ${i.candidate}`,
    checksPerRun,
  };
}

/** The workflow id of a model's rollout: one rollout per model at a time. */
export const rolloutWorkflowId = (model: string): string => `tideflow-rollout__${model}`;
export const ROLLOUT_WORKFLOW = 'rollout';
