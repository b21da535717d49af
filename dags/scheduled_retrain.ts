/**
 * Scheduled retraining through the retraining controller: daily, ask the model's controller for a
 * retrain (a drift signal with source 'schedule' and fingerprint `schedule:scheduled_retrain:<ds>`)
 * rather than starting ml_retrain itself, so a daily schedule and a drift alert never start two
 * retrains at once (the controller runs one at a time and queues at most one follow-up).
 *
 *   request
 */
import { z } from 'zod';
import { defineDag } from './define';
import { modelNameParam } from './params/model-name';

export const scheduledRetrainParams = z.object({
  modelName: modelNameParam.default('penguins'),
});

export default defineDag(
  {
    id: 'scheduled_retrain',
    description: "Daily: request a retrain from the model's retraining controller (shared with drift alerts: one retrain at a time).",
    tags: ['ml', 'drift'],
    params: scheduledRetrainParams,
    schedule: { cron: '0 2 * * *', timezone: 'UTC' },
    defaults: { startToCloseTimeout: '1 minute', retry: { maxAttempts: 3, initialInterval: '2s' } },
  },
  (dag) => {
    dag.task('request', { activity: 'scheduledRetrainRequest', input: ({ params }) => ({ modelName: params.modelName }) });
  },
);
