/**
 * Starting and steering rollouts from outside a workflow (CLI, tests): start the model's rollout
 * workflow (one per model: its id is fixed), query it, signal pause/resume/abort/promote-now, and
 * read the rollout state document the servers follow (also after the workflow ended).
 */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
  type WorkflowHandle,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { planRollout, ROLLOUT_WORKFLOW, rolloutWorkflowId, type RolloutInput } from '../mlops/rollout-plan';
import type { RolloutState } from '../mlops/rollout-state';
import type { ArtifactStore } from '../registry';
import { readRollout } from '../registry/rollout-store';
// The workflow's own signal and query definitions, so the names cannot drift apart.
import * as rolloutApi from '../workflows/rollout/definitions';
import type { RolloutView } from '../workflows/rollout/definitions';
import type { RolloutOutcome } from '../workflows/rollout/workflow';

/** A refusal the caller can act on (bad input, a rollout already running, no rollout). */
export class RolloutRequestError extends Error {
  override name = 'RolloutRequestError';
}

export async function startRollout(client: Client, input: RolloutInput, taskQueue: string): Promise<WorkflowHandleWithFirstExecutionRunId> {
  const plan = planRollout(input);
  if (typeof plan === 'string') throw new RolloutRequestError(`invalid rollout: ${plan}`);
  try {
    return await client.workflow.start(ROLLOUT_WORKFLOW, {
      workflowId: rolloutWorkflowId(input.model),
      taskQueue,
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      throw new RolloutRequestError(
        `a rollout of ${input.model} is already running (${rolloutWorkflowId(input.model)}): see 'tideflow deploy status ${input.model}', or abort it first`,
      );
    throw err;
  }
}

const handle = (client: Client, model: string): WorkflowHandle => client.workflow.getHandle(rolloutWorkflowId(model));

/** The running workflow's view, or undefined when no rollout workflow of the model is running. */
export async function rolloutView(client: Client, model: string): Promise<RolloutView | undefined> {
  try {
    const h = handle(client, model);
    const d = await h.describe();
    if (d.status.name !== 'RUNNING') return undefined;
    return await h.query(rolloutApi.rolloutStatusQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** The state document the servers follow (the last rollout's, also once it ended). */
export async function rolloutState(store: ArtifactStore, model: string): Promise<RolloutState | undefined> {
  return (await readRollout(store, model))?.state;
}

export type RolloutAction = 'pause' | 'resume' | 'abort' | 'promote-now';

export async function signalRollout(client: Client, model: string, action: RolloutAction, reason?: string): Promise<void> {
  const h = handle(client, model);
  try {
    const d = await h.describe();
    if (d.status.name !== 'RUNNING')
      throw new RolloutRequestError(`the last rollout of ${model} is ${d.status.name.toLowerCase()}: nothing to ${action}`);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new RolloutRequestError(`no rollout of ${model} has been started`);
    throw err;
  }
  if (action === 'pause') await h.signal(rolloutApi.pauseRolloutSignal);
  else if (action === 'resume') await h.signal(rolloutApi.resumeRolloutSignal);
  else if (action === 'abort') await h.signal(rolloutApi.abortRolloutSignal, reason);
  else await h.signal(rolloutApi.promoteNowSignal, reason);
}

/** Wait for the rollout workflow to end. */
export function rolloutResult(client: Client, model: string): Promise<RolloutOutcome> {
  return handle(client, model).result() as Promise<RolloutOutcome>;
}
