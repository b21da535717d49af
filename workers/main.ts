/**
 * The Tideflow worker process: serves every DAG in dags/ on the configured task queue.
 * `npm start` runs it; so does the docker-compose worker image.
 */
import { activities } from '../activities';
import { connectClient } from '../client/connect';
import { formatChanges, syncSchedules } from '../client/schedules';
import { loadConfig } from '../config/env';
import { dags } from '../dags';
import { connectWorker, createTideflowWorker, workerOptionsFromConfig } from './create-worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const connection = await connectWorker(config);
  const worker = await createTideflowWorker({
    connection,
    ...workerOptionsFromConfig(config),
    dags,
    activities,
    workflows: { workflowsPath: require.resolve('../workflows') },
  });
  console.log(
    `tideflow worker ready: ${dags.length} DAG(s) [${dags.map((d) => d.id).join(', ')}] on task queue '${config.taskQueue}' ` +
      `(namespace '${config.temporal.namespace}', ${config.temporal.connection.address})`,
  );
  if (process.env['TIDEFLOW_SYNC_SCHEDULES'] === 'true') {
    // Deployments without `npm start` (docker-compose) sync here, so every DAG is listed in the Web UI.
    const client = await connectClient(config);
    const changes = await syncSchedules(client, dags, { taskQueue: config.taskQueue });
    console.log(`schedules synced with dags/:\n${formatChanges(changes)}`);
    await client.connection.close();
  }
  await worker.run();
  await connection.close();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
