/**
 * Data intervals at DST changes on the real servers (issue 14.15): backfill and catchup chains of
 * daily DAGs whose cron wall time falls in a spring-forward gap or a fall-back fold are contiguous,
 * each interval processed once, none skipped, and their logical dates are Airflow 2's (the reference
 * chains of tests/unit/fixtures/airflow-dst.json, computed with croniter + pendulum by airflow-dst.py).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startBackfill } from '../../client/backfill';
import { startDagRun } from '../../client/runs';
import { syncSchedules } from '../../client/schedules';
import { catchupWorkflowId, type BackfillProgress } from '../../core/backfill-plan';
import type { DagDefinition } from '../../core/model';
import type { RunView } from '../../core/run-view';
import { dstLondonFold, dstNewYorkFold, dstNewYorkGap, dstSydneyGap } from '../fixtures/dst-dags';
import { useHarnessWithWorker, taskOf } from './harness';

interface Case {
  zone: string;
  cron: string;
  from: string;
  chain: string[];
}
const { cases } = JSON.parse(readFileSync(join(__dirname, '../unit/fixtures/airflow-dst.json'), 'utf8')) as { cases: Case[] };

/** Airflow's chain of fire times for a DAG's schedule, the one starting `from` (reference data, not computed here). */
function airflowChain(dag: DagDefinition, from: string): string[] {
  const s = dag.schedule;
  const c = cases.find((x) => x.zone === s?.timezone && x.cron === s?.cron && x.from === from);
  if (!c) throw new Error(`no Airflow reference chain for ${s?.timezone} '${s?.cron}' from ${from} in airflow-dst.json`);
  return c.chain;
}

const h = useHarnessWithWorker('dst', { namespace: 'dst-intervals' });
afterAll(async () => {
  await syncSchedules(h.client, [], { taskQueue: h.taskQueue }).catch(() => undefined);
});

/** Each run of a finished backfill: its logical date and the data interval it reported (result header and task). */
async function runsOf(progress: BackfillProgress): Promise<{ logicalDate: string; start: string; end: string }[]> {
  const runs = [];
  for (const d of progress.dates) {
    const view = (await h.client.workflow.getHandle(d.workflowId).result()) as RunView;
    const echoed = taskOf(view, 'dates').output as { logicalDate: string; start: string; end: string };
    // What the task was given is what the run reports.
    expect(echoed).toMatchObject({ logicalDate: view.logicalDate, start: view.dataIntervalStart, end: view.dataIntervalEnd });
    expect(view.logicalDate).toBe(d.logicalDate);
    runs.push({ logicalDate: view.logicalDate, start: view.dataIntervalStart, end: view.dataIntervalEnd });
  }
  return runs.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

/** The runs cover Airflow's chain exactly: contiguous [start, end) links, each once, none skipped. */
function expectAirflowChain(runs: { logicalDate: string; start: string; end: string }[], chain: string[]): void {
  expect(runs.map((r) => r.logicalDate)).toEqual(chain.slice(0, -1));
  expect(runs.map((r) => [r.start, r.end])).toEqual(chain.slice(0, -1).map((start, k) => [start, chain[k + 1]]));
  for (const r of runs) expect(r.start).toBe(r.logicalDate);
  for (let k = 1; k < runs.length; k++) expect(runs[k]?.start).toBe(runs[k - 1]?.end);
  expect(new Set(runs.map((r) => r.start)).size).toBe(runs.length);
}

async function backfillChain(dag: DagDefinition, from: string): Promise<void> {
  const chain = airflowChain(dag, from);
  // The logical dates from the chain's first to its next-to-last fire time: every link of the chain.
  const handle = await startBackfill(h.client, dag, { taskQueue: h.taskQueue, from: chain[0] as string, to: chain.at(-2) as string });
  const progress = (await handle.result()) as BackfillProgress;
  expect(progress).toMatchObject({ total: chain.length - 1, succeeded: chain.length - 1, failed: 0, skipped: 0 });
  expectAirflowChain(await runsOf(progress), chain);
}

describe('data intervals at DST changes on the real servers (Airflow 2 reference)', () => {
  it("backfill across New York's spring-forward gap, '30 2 * * *': fires at the shifted 03:30, no interval twice, none skipped", async () => {
    await backfillChain(dstNewYorkGap, '2024-03-08T17:00:00.000Z');
  });

  it("backfill across New York's fall-back fold, '30 1 * * *': the later 01:30 (fold=1), no 1-hour interval", async () => {
    const chain = airflowChain(dstNewYorkFold, '2024-11-01T16:00:00.000Z');
    // 01:30 EST on 2024-11-03, not 01:30 EDT (05:30Z): the interval ending there is 25 hours.
    expect(chain[2]).toBe('2024-11-03T06:30:00.000Z');
    await backfillChain(dstNewYorkFold, '2024-11-01T16:00:00.000Z');
  });

  it("backfill across London's gap and fold, '30 1 * * *'", async () => {
    await backfillChain(dstLondonFold, '2024-03-29T12:00:00.000Z');
    await backfillChain(dstLondonFold, '2024-10-25T11:00:00.000Z');
  });

  it("catchup across Sydney's spring-forward gap, '30 2 * * *': the schedule's missed intervals are Airflow's chain", async () => {
    const chain = airflowChain(dstSydneyGap, '2024-10-04T02:00:00.000Z');
    const s = dstSydneyGap.schedule;
    const catchupDag = {
      ...dstSydneyGap,
      schedule: { ...s, catchup: true, startDate: chain[0], endDate: chain.at(-2) },
    } as DagDefinition;
    const changes = await syncSchedules(h.client, [catchupDag], { taskQueue: h.taskQueue });
    const id = catchupWorkflowId(dstSydneyGap.id, new Date(chain[0] as string));
    expect(changes[0]?.detail).toContain(id);
    const progress = (await h.client.workflow.getHandle(id).result()) as BackfillProgress;
    expect(progress).toMatchObject({ total: chain.length - 1, succeeded: chain.length - 1, failed: 0, skipped: 0 });
    expectAirflowChain(await runsOf(progress), chain);
  });

  it('a manual run with an explicit logical date on the gap day processes the interval starting at that date (deliberate difference from Airflow)', async () => {
    const chain = airflowChain(dstNewYorkGap, '2024-03-08T17:00:00.000Z');
    // 2024-03-10 02:30 does not exist in New York; Airflow's chain fires at the shifted 03:30 EDT.
    const logicalDate = chain[2] as string;
    expect(logicalDate).toBe('2024-03-10T07:30:00.000Z');
    const handle = await startDagRun(h.client, dstNewYorkGap, { taskQueue: h.taskQueue, logicalDate: '2024-03-10T03:30:00-04:00' });
    const view = (await handle.result()) as RunView;
    // The interval a scheduled or backfilled run of that date processes, [03-10 03:30 EDT, 03-11 02:30 EDT):
    // 23 hours, where Airflow's manual trigger would infer the interval ending at it.
    expect(view).toMatchObject({ logicalDate, dataIntervalStart: logicalDate, dataIntervalEnd: chain[3] });
    expect(taskOf(view, 'dates').output).toEqual({ logicalDate, ds: '2024-03-10', start: logicalDate, end: chain[3] });
    expect((Date.parse(chain[3] as string) - Date.parse(logicalDate)) / 3_600_000).toBe(23);
  });
});
