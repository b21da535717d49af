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
 */
import { ApplicationFailure, condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
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

export interface RolloutOutcome {
  status: RolloutStatus;
  reason: string;
  lastCheck?: CheckResult;
}

export async function rollout(input: RolloutInput): Promise<RolloutOutcome> {
  const planned = planRollout(input);
  if (typeof planned === 'string') throw ApplicationFailure.nonRetryable(`invalid rollout: ${planned}`, 'InvalidRollout');
  const plan = planned;
  const info = workflowInfo();
  const rolloutId = `${info.workflowId}/${info.firstExecutionRunId}`;
  let status: RolloutStatus = 'running';
  let step = 0;
  let remainingMs = plan.stepSeconds * 1000;
  let paused = false;
  let pauseChanged = false;
  let abort: string | undefined;
  let promoteNow: string | undefined;
  let lastCheck: CheckResult | undefined;
  let stable: number | undefined;
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
  }));

  const finish = async (outcome: 'promoted' | 'rolled-back' | 'aborted', why: string): Promise<RolloutOutcome> => {
    const s = await rolloutFinish({ model: plan.model, rolloutId, outcome, reason: why });
    status = s.status;
    reason = s.reason ?? why;
    return { status, reason, ...(lastCheck && { lastCheck }) };
  };

  stable = (await rolloutBegin({ plan, rolloutId })).stable;
  const checkMs = plan.checkSeconds * 1000;
  for (step = 0; step < plan.weights.length; step++) {
    const weight = plan.weights[step] as number;
    remainingMs = plan.stepSeconds * 1000;
    if (step > 0)
      await rolloutStep({
        model: plan.model,
        rolloutId,
        step,
        weight,
        status: paused ? 'paused' : 'running',
        detail: `step ${step} at ${weight}%`,
      });
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
        await rolloutStep({
          model: plan.model,
          rolloutId,
          step,
          weight,
          status: paused ? 'paused' : 'running',
          detail: paused ? 'paused by request' : 'resumed by request',
        });
        if (remainingMs > 0) continue;
      }
      lastCheck = await rolloutCheck({ model: plan.model, rolloutId, step, shadow: plan.strategy === 'shadow', guards: plan.guards });
      if (lastCheck.breach !== undefined)
        return finish('rolled-back', `step ${step} (${plan.strategy === 'shadow' ? 'shadow' : `${weight}%`}): ${lastCheck.breach}`);
      if (remainingMs <= 0 && !paused && lastCheck.judged) break;
    }
  }
  const last = lastCheck
    ? ` (last window: ${lastCheck.samples} candidate requests, error rate ${lastCheck.errorRate}, p95 ≤ ${lastCheck.latencyP95Ms} ms)`
    : '';
  return finish('promoted', `every step passed its guards${last}`);
}
