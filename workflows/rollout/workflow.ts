/**
 * `rollout` (issue 12.3): one durable workflow per model rollout (id `tideflow-rollout__<model>`, so
 * one at a time). It drives the model's rollout state document, which every prediction server reads
 * (serve/rollout-router.ts): each step sets the candidate's share, bakes for stepSeconds on a
 * durable timer (a restarted worker resumes where the history left off), and checks the guards
 * every checkSeconds from the servers' published per-version counters. The first breach rolls back
 * (traffic to stable, the alias stays or returns there, the reason recorded); a step ends only once
 * it baked long enough with at least guards.minRequests candidate requests judged; after the last
 * step the alias moves to the candidate. Signals: pause (the step clock stops; guards still run),
 * resume, abort (roll back), promote-now. Query: status.
 *
 * History stays bounded however long the rollout bakes: after plan.checksPerRun guard checks, or
 * when Temporal suggests it (workflowInfo().continueAsNewSuggested), the run continues as new with
 * its position carried (RolloutCarry: rollout id, stable version, step, time left, paused, last
 * check), so a 24-hour bake checked every 30 s is ~15 runs of ~2,000 events, not one of 30,000.
 */
import { ApplicationFailure, condition, continueAsNew, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { CheckResult, RolloutActivities } from '../../activities/rollout';
import { planRollout, type RolloutInput, type RolloutStatus } from '../../mlops/rollout-plan';
import {
  abortRolloutSignal,
  pauseRolloutSignal,
  promoteNowSignal,
  resumeRolloutSignal,
  rolloutStatusQuery,
  type RolloutView,
} from './definitions';

const { rolloutBegin, rolloutStep, rolloutCheck, rolloutFinish } = proxyActivities<RolloutActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds' },
});

const CONTINUE_AS_NEW_PATCH = 'rollout-continue-as-new';

export interface RolloutOutcome {
  status: RolloutStatus;
  reason: string;
  lastCheck?: CheckResult;
}

/** Where a rollout stands when its run continues as new (the next run resumes from it). */
export interface RolloutCarry {
  rolloutId: string;
  stable: number;
  step: number;
  remainingMs: number;
  paused: boolean;
  lastCheck?: CheckResult;
  /** Runs before this one. */
  runs: number;
}

export async function rollout(input: RolloutInput, carry?: RolloutCarry): Promise<RolloutOutcome> {
  const planned = planRollout(input);
  if (typeof planned === 'string') throw ApplicationFailure.nonRetryable(`invalid rollout: ${planned}`, 'InvalidRollout');
  const plan = planned;
  const info = workflowInfo();
  const rolloutId = carry?.rolloutId ?? `${info.workflowId}/${info.firstExecutionRunId}`;
  let status: RolloutStatus = 'running';
  let step = carry?.step ?? 0;
  let remainingMs = carry?.remainingMs ?? plan.stepSeconds * 1000;
  let paused = carry?.paused ?? false;
  let pauseChanged = false;
  let abort: string | undefined;
  let promoteNow: string | undefined;
  let lastCheck: CheckResult | undefined = carry?.lastCheck;
  let stable: number | undefined = carry?.stable;
  let checks = 0;
  const runsBefore = carry?.runs ?? 0;
  let reason: string | undefined;

  setHandler(pauseRolloutSignal, () => {
    if (!paused) pauseChanged = !pauseChanged;
    paused = true;
  });
  setHandler(resumeRolloutSignal, () => {
    if (paused) pauseChanged = !pauseChanged;
    paused = false;
  });
  setHandler(abortRolloutSignal, (why?: string) => {
    abort ??= why?.trim() || 'aborted by request';
  });
  setHandler(promoteNowSignal, (why?: string) => {
    promoteNow ??= why?.trim() || 'promoted by request';
  });
  setHandler(rolloutStatusQuery, (): RolloutView => ({
    rolloutId,
    plan,
    status: status === 'running' && paused ? 'paused' : status,
    ...(stable !== undefined && { stable }),
    step,
    weight: plan.weights[step] ?? 0,
    remainingSeconds: Math.max(0, remainingMs / 1000),
    ...(lastCheck && { lastCheck }),
    ...(reason !== undefined && { reason }),
    runs: runsBefore + 1,
  }));

  const finish = async (outcome: 'promoted' | 'rolled-back' | 'aborted', why: string): Promise<RolloutOutcome> => {
    const s = await rolloutFinish({ model: plan.model, rolloutId, outcome, reason: why });
    status = s.status;
    reason = s.reason ?? why;
    return { status, reason, ...(lastCheck && { lastCheck }) };
  };

  if (!carry) stable = (await rolloutBegin({ plan, rolloutId })).stable;
  const checkMs = plan.checkSeconds * 1000;
  for (; step < plan.weights.length; step++) {
    const weight = plan.weights[step] as number;
    /** Record the step's state (paused or running, as of now) in the rollout document. */
    const recordStep = (detail: string) =>
      rolloutStep({ model: plan.model, rolloutId, step, weight, status: paused ? 'paused' : 'running', detail });
    // A continued run resumes inside its step: the step was entered (and its clock started) before.
    if (carry && step === carry.step) carry = undefined;
    else {
      remainingMs = plan.stepSeconds * 1000;
      if (step > 0) await recordStep(`step ${step} at ${weight}%`);
    }
    for (;;) {
      const wasPaused = paused;
      const started = Date.now();
      // Paused, or baked but still short of judged traffic: wake at the check interval.
      const waitMs = paused || remainingMs <= 0 ? checkMs : Math.min(checkMs, remainingMs);
      await condition(() => abort !== undefined || promoteNow !== undefined || pauseChanged, waitMs);
      if (!wasPaused) remainingMs -= Date.now() - started;
      if (abort !== undefined) return finish('aborted', abort);
      if (promoteNow !== undefined) return finish('promoted', promoteNow);
      if (pauseChanged) {
        pauseChanged = false;
        await recordStep(paused ? 'paused by request' : 'resumed by request');
        if (remainingMs > 0) continue;
      }
      lastCheck = await rolloutCheck({ model: plan.model, rolloutId, step, shadow: plan.strategy === 'shadow', guards: plan.guards });
      checks++;
      if (lastCheck.breach !== undefined)
        return finish('rolled-back', `step ${step} (${plan.strategy === 'shadow' ? 'shadow' : `${weight}%`}): ${lastCheck.breach}`);
      if (remainingMs <= 0 && !paused && lastCheck.judged) break;
      // Signals that arrived with the check are handled first (the loop's next turn), never dropped.
      // patched(): a rollout started before continue-as-new existed replays its history unchanged.
      if (abort === undefined && promoteNow === undefined && !pauseChanged)
        if ((checks >= plan.checksPerRun || workflowInfo().continueAsNewSuggested) && patched(CONTINUE_AS_NEW_PATCH))
          await continueAsNew<typeof rollout>(input, {
            rolloutId,
            stable: stable as number,
            step,
            remainingMs,
            paused,
            lastCheck,
            runs: runsBefore + 1,
          });
    }
  }
  const last = lastCheck
    ? ` (last window: ${lastCheck.samples} candidate requests, error rate ${lastCheck.errorRate}, p95 ≤ ${lastCheck.latencyP95Ms} ms)`
    : '';
  return finish('promoted', `every step passed its guards${last}`);
}
