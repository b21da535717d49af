/**
 * Determinism guard: every DAG in dags/ is run for real, and its history — fresh, and the one
 * committed under tests/histories/ — must replay cleanly against the current workflow code.
 * A change that breaks replay of a committed history would break running workflows in
 * production: version it (patched()) or, if intended, re-record with TIDEFLOW_RECORD_HISTORIES=1.
 *
 * A DAG may have more committed histories, `<dag>@<variant>.json`, recorded after a change of
 * its history's shape (the old `<dag>.json` must still replay too): `@local-activities` ones were
 * recorded with TIDEFLOW_RECORD_HISTORIES=local-activities, which writes them for the DAGs that
 * have local tasks, from the fresh run.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { beforeAll, describe, expect, it } from 'vitest';
import { startDagRun, waitForRun } from '../../client/runs';
import { isLocalTask } from '../../core/local-tasks';
import { dags } from '../../dags';
import { useHarnessWithWorker } from './harness';

const HISTORIES = join(__dirname, '../histories');
const record = process.env['TIDEFLOW_RECORD_HISTORIES'] === '1';
const LOCAL_VARIANT = 'local-activities';
const recordLocal = process.env['TIDEFLOW_RECORD_HISTORIES'] === LOCAL_VARIANT;

/** `<dag>@<variant>.json` files committed for a DAG. */
const variantsOf = (dagId: string): string[] => readdirSync(HISTORIES).filter((f) => f.startsWith(`${dagId}@`) && f.endsWith('.json'));

const h = useHarnessWithWorker('replay');
let productionBundle: Awaited<ReturnType<typeof bundleWorkflowCode>>;

beforeAll(async () => {
  // Replay against the production workflows module, exactly what workers/main.ts bundles.
  productionBundle = await bundleWorkflowCode({
    workflowsPath: join(__dirname, '../../workflows/index.ts'),
    logger: { log() {}, info() {}, warn() {}, error: console.error, debug() {}, trace() {} },
  });
}, 180_000);

describe.each(dags.map((d) => [d.id, d] as const))('replay of DAG %s', (dagId, dag) => {
  it('replays a fresh history and the committed one', async () => {
    const handle = await startDagRun(h.client, dag, { taskQueue: h.taskQueue, logicalDate: '2024-01-01T03:00:00Z' });
    const outcome = await waitForRun(handle);
    expect(outcome.error, `run of ${dagId} failed`).toBeUndefined();
    const history = await handle.fetchHistory();
    await Worker.runReplayHistory({ workflowBundle: productionBundle }, history, handle.workflowId);

    const localTypes = new Set(dag.tasks.filter((t) => isLocalTask(dag, t)).map((t) => t.activity));
    const usesLocal = localTypes.size > 0;
    const localTasks = (history.events ?? []).filter((e) => {
      const attrs = e.markerRecordedEventAttributes;
      const bytes = attrs?.markerName === 'core_local_activity' ? attrs.details?.['data']?.payloads?.[0]?.data : undefined;
      return bytes && localTypes.has((JSON.parse(Buffer.from(bytes).toString('utf8')) as { activity_type?: string }).activity_type);
    });
    expect(localTasks.length > 0, `tasks run as local activities in the fresh history of ${dagId}`).toBe(usesLocal);
    if (recordLocal && usesLocal) writeFileSync(join(HISTORIES, `${dagId}@${LOCAL_VARIANT}.json`), historyToJSON(history));
    if (usesLocal) expect(variantsOf(dagId), `a committed ${dagId}@${LOCAL_VARIANT}.json`).toContain(`${dagId}@${LOCAL_VARIANT}.json`);

    const file = join(HISTORIES, `${dagId}.json`);
    if (record) writeFileSync(file, historyToJSON(history));
    expect(
      existsSync(file),
      `no recorded history for DAG '${dagId}': run TIDEFLOW_RECORD_HISTORIES=1 npx vitest run tests/integration/replay.test.ts and commit ${file}`,
    ).toBe(true);
    const committed = historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
    await Worker.runReplayHistory({ workflowBundle: productionBundle }, committed, `${dagId}-committed`);
    for (const variant of variantsOf(dagId)) {
      const recorded = historyFromJSON(JSON.parse(readFileSync(join(HISTORIES, variant), 'utf8')));
      await Worker.runReplayHistory({ workflowBundle: productionBundle }, recorded, `${dagId}-${variant}`);
    }
  }, 180_000);
});
