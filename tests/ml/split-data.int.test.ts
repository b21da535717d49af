import { describe, expect, it } from 'vitest';
import { writeDataset } from '../../activities/ml/dataset';
import { frameFromRows } from '../../ml/frame/frame';
import { splitData } from '../../activities/ml/split-data';
import { readSplit } from '../../activities/ml/training-data';
import { testContext, testStore } from './activity-env';

const store = testStore(`split-test-${Date.now()}`);
const split = splitData(() => store);

async function dataset(rows: Record<string, unknown>[]) {
  return writeDataset(store, `${store.prefix}d-${Math.random().toString(36).slice(2)}.arrow`, frameFromRows(rows));
}

describe('split', () => {
  it('time: every training row is earlier than every test row; the boundary is reported', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({
      ts: new Date(Date.UTC(2024, 0, 1) + ((i * 37) % 100) * 3_600_000).toISOString(),
      y: i % 3 === 0 ? 'a' : 'b',
      x: i,
    }));
    const ds = await dataset(rows);
    const out = await split(
      { dataset: ds, target: 'y', task: 'auto', strategy: 'time', testFraction: 0.2, seed: 1, timeColumn: 'ts' },
      testContext(),
    );
    expect(out).toMatchObject({
      task: 'binary',
      classes: ['a', 'b'],
      trainRows: 80,
      testRows: 20,
      boundary: { lastTrain: '2024-01-04T07:00:00.000Z', firstTest: '2024-01-04T08:00:00.000Z' },
    });
    const s = await readSplit(store, out.split);
    const hour = (i: number) => (i * 37) % 100;
    expect(Math.max(...s.train.map(hour))).toBeLessThan(Math.min(...s.test.map(hour)));
  });

  it('auto task: a number target is regression; rows without a target are left out and counted', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => ({ x: i, y: i % 10 === 0 ? null : i * 2.5 }));
    const out = await split(
      { dataset: await dataset(rows), target: 'y', task: 'auto', strategy: 'random', testFraction: 0.2, seed: 7 },
      testContext(),
    );
    expect(out).toMatchObject({ task: 'regression', classes: [], missingTarget: 5, trainRows: 36, testRows: 9 });
    const again = await split(
      { dataset: await dataset(rows), target: 'y', task: 'auto', strategy: 'random', testFraction: 0.2, seed: 7 },
      testContext(),
    );
    expect((await readSplit(store, again.split)).test).toEqual((await readSplit(store, out.split)).test);
  });

  it('stratified keeps the class mix; refuses stratifying a regression and a class with one row', async () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({ y: i < 40 ? 'n' : 'p', x: i }));
    const out = await split(
      { dataset: await dataset(rows), target: 'y', task: 'auto', strategy: 'stratified', testFraction: 0.25, seed: 3 },
      testContext(),
    );
    expect(out.testClassCounts).toEqual({ n: 10, p: 5 });
    await expect(
      split(
        {
          dataset: await dataset([{ y: 1.5 }, { y: 2 }, { y: 3 }]),
          target: 'y',
          task: 'auto',
          strategy: 'stratified',
          testFraction: 0.3,
          seed: 1,
        },
        testContext(),
      ),
    ).rejects.toThrow("split: strategy 'stratified' needs a classification target");
    const lonely = [...rows, { y: 'q', x: 99 }];
    await expect(
      split(
        { dataset: await dataset(lonely), target: 'y', task: 'auto', strategy: 'stratified', testFraction: 0.25, seed: 3 },
        testContext(),
      ),
    ).rejects.toThrow("cannot stratify: class(es) 'q' have fewer than 2 rows");
    await expect(
      split(
        { dataset: await dataset(rows), target: 'y', task: 'binary', strategy: 'time', testFraction: 0.25, seed: 3, timeColumn: 'x' },
        testContext(),
      ),
    ).rejects.toThrow("time column 'x' holds number values, not timestamps");
  });
});
