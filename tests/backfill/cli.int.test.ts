/** The backfill, schedules and runs-list commands against the real dev server (in-process CLI). */
import { afterAll, expect, it } from 'vitest';
import { syncSchedules } from '../../client/schedules';
import { dags } from '../../dags';
import { useHarnessWithWorker } from '../integration/harness';
import { runCliInProcess } from '../cli/in-process';

const h = useHarnessWithWorker('backfill-cli', { namespace: 'backfill-cli' });
afterAll(async () => {
  await syncSchedules(h.client, [], { taskQueue: h.taskQueue }).catch(() => undefined);
});

const cli = (...args: string[]) => runCliInProcess(args, { ...process.env, ...h.env });

it('backfill: dry run, a real run with its outcome table, exit codes, runs list', async () => {
  const dry = await cli('backfill', 'example_etl', '--from', '2023-06-01', '--to', '2023-06-03', '--dry-run');
  expect(dry.code).toBe(0);
  expect(dry.out).toContain('2023-06-01T03:00:00.000Z');
  // A bare --to is the whole day: the 03:00 run of 06-03 is in the range.
  expect(dry.out).toContain('2023-06-03T03:00:00.000Z');
  expect(dry.out).toMatch(/Dry run: 3 of 3 date\(s\) would run/);

  const run = await cli('backfill', 'example_etl', '--from', '2023-06-01', '--to', '2023-06-03', '--max-active', '2');
  expect(run.code, run.err).toBe(0);
  expect(run.out).toMatch(/2023-06-01T03:00:00.000Z\s+✓ succeeded\s+example_etl__backfill__2023-06-01T03:00:00.000Z/);
  expect(run.out).toContain('Backfill finished: 3 succeeded, 0 failed');
  expect(run.err).toMatch(/succeeded 3/);
  expect(run.err).toContain("cancel it with: npx tideflow runs cancel 'tideflow-backfill__example_etl__");

  const again = await cli('backfill', 'example_etl', '--from', '2023-06-01', '--to', '2023-06-03', '--json');
  expect(again.code).toBe(0);
  expect(JSON.parse(again.out)).toMatchObject({ skipped: 3, succeeded: 0 });

  // --trigger: other test files start manual example_etl runs on the same server.
  const list = await cli(
    'runs',
    'list',
    '--dag',
    'example_etl',
    '--trigger',
    'backfill',
    '--status',
    'success',
    '--since',
    new Date(Date.now() - 600_000).toISOString(),
    '--json',
  );
  expect(list.code).toBe(0);
  const runs = JSON.parse(list.out) as { workflowId: string; trigger: string; logicalDate: string }[];
  expect(runs.map((r) => r.workflowId).sort()).toEqual([
    'example_etl__backfill__2023-06-01T03:00:00.000Z',
    'example_etl__backfill__2023-06-02T03:00:00.000Z',
    'example_etl__backfill__2023-06-03T03:00:00.000Z',
  ]);
  expect(runs.every((r) => r.trigger === 'backfill')).toBe(true);
  const table = await cli('runs', 'list', '--dag', 'example_etl');
  expect(table.out).toMatch(/example_etl__backfill__2023-06-02T03:00:00.000Z\s+example_etl\s+2023-06-02 03:00:00Z\s+backfill\s+success/);
});

it('backfill rejects what it can locally: unscheduled DAG, bad range, bad mode (exit 2)', async () => {
  expect((await cli('backfill', 'ml_retrain', '--from', '2023-06-01', '--to', '2023-06-03')).err).toMatch(/has no schedule/);
  expect((await cli('backfill', 'example_etl', '--from', '2024-02-01', '--to', '2023-06-03')).code).toBe(2);
  expect((await cli('backfill', 'example_etl', '--from', '2023-06-01', '--to', '2023-06-03', '--reprocess', 'all')).code).toBe(2);
});

it('schedules sync (diff, idempotent), list, pause, unpause, trigger', async () => {
  const dry = await cli('schedules', 'sync', '--dry-run');
  expect(dry.code).toBe(0);
  expect(dry.out).toMatch(/\+ create\s+tideflow-example_etl/);
  const n = dags.length;
  expect((await cli('schedules', 'sync')).out).toMatch(new RegExp(`Changed ${n} of ${n}`));
  expect((await cli('schedules', 'sync')).out).toMatch(new RegExp(`Changed 0 of ${n}[\\s\\S]*= unchanged`));
  expect((await cli('schedules', 'pause', 'example_etl')).out).toContain('Paused tideflow-example_etl');
  expect((await cli('schedules', 'list')).out).toMatch(/example_etl\s+paused/);
  expect((await cli('schedules', 'unpause', 'example_etl')).out).toContain('Unpaused');
  expect((await cli('schedules', 'list')).out).toMatch(/example_etl\s+active/);
  const trig = await cli('schedules', 'trigger', 'ml_retrain');
  expect(trig.code).toBe(0);
  expect(trig.out).toMatch(/started ml_retrain__scheduled-/);
  await h.client.workflow
    .getHandle(/started (\S+)/.exec(trig.out)?.[1] ?? '')
    .terminate()
    .catch(() => undefined);
});
