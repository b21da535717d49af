/**
 * Talking to the retraining controllers from outside a workflow (CLI, alert receiver, monitoring
 * activities, tests): drift signals by signal-with-start, status queries, pause/resume.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  CONTROLLER_WORKFLOW,
  controllerWorkflowId,
  type ControllerOptions,
  type ControllerStatus,
  type DriftAlert,
} from '../mlops/retrain-policy';
import { controllerStatusQuery, driftBatchSignal, pauseSignal, resumeSignal } from '../workflows/retrain-controller';

export interface SignalDriftOptions {
  taskQueue: string;
  /** Used only when this signal starts the controller (an existing one keeps its options). */
  controller?: ControllerOptions;
}

/** Signal-with-start: the controller is created on the first alert for a model. Resolves once Temporal accepted the signal. */
export function signalDrift(
  client: Client,
  model: string,
  alert: DriftAlert,
  o: SignalDriftOptions,
): Promise<{ workflowId: string; runId: string }> {
  return signalDriftBatch(client, model, [alert], o);
}

/** Several alerts of one model in one signal-with-start (one Temporal round trip per model, not per alert). */
export async function signalDriftBatch(
  client: Client,
  model: string,
  alerts: DriftAlert[],
  o: SignalDriftOptions,
): Promise<{ workflowId: string; runId: string }> {
  const workflowId = controllerWorkflowId(model);
  const handle = await client.workflow.signalWithStart(CONTROLLER_WORKFLOW, {
    workflowId,
    taskQueue: o.taskQueue,
    args: [{ model, ...(o.controller ?? {}) }],
    signal: driftBatchSignal,
    signalArgs: [alerts],
  });
  return { workflowId, runId: handle.signaledRunId };
}

/** The controller's status, or undefined when no controller runs for the model. */
export async function driftStatus(client: Client, model: string): Promise<ControllerStatus | undefined> {
  try {
    return await client.workflow.getHandle(controllerWorkflowId(model)).query(controllerStatusQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

export async function pauseController(client: Client, model: string, paused: boolean): Promise<void> {
  await client.workflow.getHandle(controllerWorkflowId(model)).signal(paused ? pauseSignal : resumeSignal);
}
