/**
 * The Tideflow worker process: serves every DAG in dags/ on the configured task queue.
 * `npm start` runs it; so does the docker-compose worker image.
 */
import { activities } from '../activities';
import { loadConfig } from '../config/env';
import { dags } from '../dags';
import { createS3Client } from '../storage/s3-client';
import { connectWorker, createTideflowWorker } from './create-worker';

async function main(): Promise<void> {
  const config = loadConfig();
  const connection = await connectWorker(config);
  const worker = await createTideflowWorker({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.taskQueue,
    dags,
    activities,
    s3: createS3Client(config.s3),
    bucket: config.s3.bucket,
    prefix: config.s3.prefix,
    offloadBytes: config.offloadBytes,
    workflows: { workflowsPath: require.resolve('../workflows') },
  });
  console.log(
    `tideflow worker ready: ${dags.length} DAG(s) [${dags.map((d) => d.id).join(', ')}] on task queue '${config.taskQueue}' ` +
      `(namespace '${config.temporal.namespace}', ${config.temporal.connection.address})`,
  );
  await worker.run();
  await connection.close();
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? `${err.name}: ${err.message}` : err);
  process.exit(1);
});
