/**
 * `scheduledRetrainRequest` (the scheduled_retrain DAG): ask the model's retraining controller for
 * a retrain instead of running ml_retrain directly, so a schedule and drift alerts share one
 * controller: at most one retrain at a time, one follow-up at most, dedupe and cooldown apply.
 * It is a drift signal (signal-with-start) with source 'schedule' and a per-interval fingerprint
 * (`schedule:<dagId>:<ds>`): a retried task or a re-run of the same interval never counts twice.
 * A retrain the controller starts for scheduled requests only runs with TideflowTrigger=schedule.
 */
import { signalDrift } from '../../client/drift';
import { SCHEDULE_SOURCE } from '../../mlops/retrain-policy';
import type { TaskContext } from '../context';
import { temporal } from './monitor';

export interface ScheduledRetrainInput {
  modelName: string;
  reason?: string;
}

export interface ScheduledRetrainOutput {
  controller: string;
  fingerprint: string;
}

export async function scheduledRetrainRequest(input: ScheduledRetrainInput, ctx: TaskContext): Promise<ScheduledRetrainOutput> {
  const { client, taskQueue } = await temporal();
  const fingerprint = `schedule:${ctx.dagId}:${ctx.ds}`;
  const reason = input.reason ?? `scheduled retrain for ${ctx.ds} (${ctx.dagId} run ${ctx.workflowId})`;
  const sent = await signalDrift(
    client,
    input.modelName,
    { fingerprint, reason, source: SCHEDULE_SOURCE, labels: { model: input.modelName, run: ctx.workflowId, ds: ctx.ds } },
    { taskQueue },
  );
  ctx.log.info('requested scheduled retrain', { modelName: input.modelName, controller: sent.workflowId, fingerprint });
  return { controller: sent.workflowId, fingerprint };
}
