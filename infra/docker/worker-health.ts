/**
 * docker-compose's worker healthcheck: healthy when this container's worker is polling its task
 * queue, i.e. Temporal saw a poller whose identity ends with `@<this hostname>` (the SDK's default
 * identity is `<pid>@<hostname>`) within the last minute. A worker that lost its server, or whose
 * process hangs, turns unhealthy. Exit 0 healthy, 1 not (with the reason on stderr).
 */
import { hostname } from 'node:os';
import { Connection } from '@temporalio/client';
import { loadConfig } from '../../config/env';

const FRESH_MS = 60_000;
/** temporal.api.enums.v1 values (numbers, to avoid depending on @temporalio/proto directly). */
const TASK_QUEUE_KIND_NORMAL = 1;
const TASK_QUEUE_TYPE_WORKFLOW = 1;

async function main(): Promise<number> {
  const config = loadConfig();
  const connection = await Connection.connect({ ...config.temporal.connection, connectTimeout: 5_000 });
  try {
    const res = await connection.workflowService.describeTaskQueue({
      namespace: config.temporal.namespace,
      taskQueue: { name: config.taskQueue, kind: TASK_QUEUE_KIND_NORMAL },
      taskQueueType: TASK_QUEUE_TYPE_WORKFLOW,
    });
    const me = `@${hostname()}`;
    const mine = (res.pollers ?? []).filter((p) => p.identity?.endsWith(me));
    const seen = Math.max(0, ...mine.map((p) => Number(p.lastAccessTime?.seconds ?? 0) * 1000));
    if (mine.length > 0 && Date.now() - seen < FRESH_MS) return 0;
    process.stderr.write(
      mine.length === 0
        ? `no poller from ${me} on task queue '${config.taskQueue}' (namespace '${config.temporal.namespace}')\n`
        : `the last poll from ${me} on '${config.taskQueue}' was ${Math.round((Date.now() - seen) / 1000)} s ago\n`,
    );
    return 1;
  } finally {
    await connection.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`worker healthcheck failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
