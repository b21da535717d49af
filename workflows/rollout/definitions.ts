/** The rollout workflow's signals and status query, shared with the client (client/rollouts.ts). */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { CheckResult } from '../../activities/rollout';
import type { RolloutPlan, RolloutStatus } from '../../mlops/rollout-plan';

export const pauseRolloutSignal = defineSignal<[]>('pause');
export const resumeRolloutSignal = defineSignal<[]>('resume');
/** Abort: traffic and alias back to the stable version (status aborted), with the reason given. */
export const abortRolloutSignal = defineSignal<[string?]>('abort');
/** Skip the remaining steps and promote now (guards are not waited for). */
export const promoteNowSignal = defineSignal<[string?]>('promote-now');

export interface RolloutView {
  rolloutId: string;
  plan: RolloutPlan;
  status: RolloutStatus;
  stable?: number;
  step: number;
  weight: number;
  /** Time the current step still has to bake (paused: frozen). */
  remainingSeconds: number;
  lastCheck?: CheckResult;
  reason?: string;
  /** Workflow runs so far, this one included (the rollout continues as new to bound its history). */
  runs?: number;
}

export const rolloutStatusQuery = defineQuery<RolloutView>('status');
