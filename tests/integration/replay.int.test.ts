/**
 * Determinism guard: every DAG in dags/ is run for real, and its history — fresh, and the one
 * committed under tests/histories/ — must replay cleanly against the current workflow code.
 * A change that breaks replay of a committed history would break running workflows in
 * production: version it (patched()) or, if intended, re-record with TIDEFLOW_RECORD_HISTORIES=1.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDagRun, waitForRun } from '../../client/runs';
import { dags } from '../../dags';
import { createHarness, type Harness } from './harness';

const HISTORIES = join(__dirname, '../histories');
const record = process.env['TIDEFLOW_RECORD_HISTORIES'] === '1';

let h: Harness;
let stopWorker: () => Promise<void>;
let productionBundle: Awaited<ReturnType<typeof bundleWorkflowCode>>;

beforeAll(async () => {
  h = await createHarness('replay');
  stopWorker = (await h.startWorker()).stop;
  // Replay against the production workflows module, exactly what workers/main.ts bundles.
  productionBundle = await bundleWorkflowCode({
    workflowsPath: join(__dirname, '../../workflows/index.ts'),
    logger: { log() {}, info() {}, warn() {}, error: console.error, debug() {}, trace() {} },
  });
}, 180_000);

afterAll(async () => {
  await stopWorker?.();
  await h?.close();
});

describe.each(dags.map((d) => [d.id, d] as const))('replay of DAG %s', (dagId, dag) => {
  it('replays a fresh history and the committed one', async () => {
    const handle = await startDagRun(h.client, dag, { taskQueue: h.taskQueue, logicalDate: '2024-01-01T03:00:00Z' });
    const outcome = await waitForRun(handle);
    expect(outcome.error, `run of ${dagId} failed`).toBeUndefined();
    const history = await handle.fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: productionBundle }, history, handle.workflowId);

    const file = join(HISTORIES, `${dagId}.json`);
    if (record) writeFileSync(file, historyToJSON(history));
    expect(
      existsSync(file),
      `no recorded history for DAG '${dagId}': run TIDEFLOW_RECORD_HISTORIES=1 npx vitest run tests/integration/replay.test.ts and commit ${file}`,
    ).toBe(true);
    const committed = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
    await Worker.runReplayHistory({ workflowBundle: productionBundle }, committed, `${dagId}-committed`);
  }, 180_000);
});
