/**
 * The Tideflow worker process: serves every DAG in dags/ on the configured task queue, and ML
 * activities on `TIDEFLOW_ML_TASK_QUEUE` when set (only those with `TIDEFLOW_ML_ONLY=true`).
 * `npm start` runs it; so does the docker-compose worker image.
 */
import { activities } from '../activities';
import { connectClient } from '../client/connect';
import { formatChanges, syncSchedules } from '../client/schedules';
import { loadConfig } from '../config/env';
import { dags } from '../dags';
import { installWorkerLogging } from './log';
import { mlQueueFromEnv } from './ml-queue';
import { startWorkerProcess } from './run-process';

async function main(): Promise<void> {
  // First: the runtime's logger is fixed once the first connection exists.
  const logFile = installWorkerLogging();
  const config = loadConfig();
  const ml = mlQueueFromEnv();
  const running = await startWorkerProcess({
    config,
    ml,
    dags,
    activities,
    workflows: { workflowsPath: require.resolve('../workflows') },
  });
  console.log(
    `tideflow worker ready: ${dags.length} DAG(s) [${dags.map((d) => d.id).join(', ')}] ` +
      `(namespace '${config.temporal.namespace}', ${config.temporal.connection.address})\n  ${running.description.join('\n  ')}` +
      (logFile !== undefined ? `\n  log: ${logFile}` : ''),
  );
  if (process.env['TIDEFLOW_SYNC_SCHEDULES'] === 'true' && !ml.mlOnly) {
    // Deployments without `npm start` (docker-compose) sync here, so every DAG is listed in the Web UI.
    const client = await connectClient(config);
    const changes = await syncSchedules(client, dags, { taskQueue: config.taskQueue });
    console.log(`schedules synced with dags/:\n${formatChanges(changes)}`);
    await client.connection.close();
  }
  await running.done;
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
