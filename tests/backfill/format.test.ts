/** The backfill CLI's pure output: progress line (with and without bar), outcome table, runs-list query. */
import { describe, expect, it } from 'vitest';
import { outcomeTable, progressLine } from '../../cli/commands/backfill';
import { runsListQuery } from '../../cli/commands/runs';
import type { BackfillProgress } from '../../core/backfill-plan';

const progress: BackfillProgress = {
  dagId: 'etl',
  from: '2024-01-01T00:00:00.000Z',
  to: '2024-01-10T00:00:00.000Z',
  reprocess: 'none',
  maxActive: 2,
  backwards: false,
  dryRun: false,
  total: 10,
  succeeded: 4,
  failed: 1,
  cancelled: 0,
  skipped: 0,
  planned: 0,
  running: 2,
  pending: 3,
  peakRunning: 2,
  generation: 0,
  done: false,
  aborted: false,
  dates: [
    { logicalDate: '2024-01-01T00:00:00.000Z', workflowId: 'etl__backfill__2024-01-01T00:00:00.000Z', state: 'succeeded' },
    {
      logicalDate: '2024-01-02T00:00:00.000Z',
      workflowId: 'etl__backfill__2024-01-02T00:00:00.000Z',
      state: 'failed',
      detail: "task(s) 'load' (boom)",
    },
  ],
  omitted: 0,
};

describe('backfill CLI output', () => {
  it('progress line: bar on a terminal, counts always', () => {
    expect(progressLine(progress, 12_300, true)).toBe(
      `[${'█'.repeat(15)}${'░'.repeat(15)}]  5/10  succeeded 4  failed 1  running 2  pending 3  12.3s`,
    );
    expect(progressLine(progress, 12_300, false)).toBe('5/10  succeeded 4  failed 1  running 2  pending 3  12.3s');
  });

  it('outcome table: one row per date with mark, run id and detail', () => {
    expect(outcomeTable(progress.dates)).toBe(
      [
        'LOGICAL DATE              OUTCOME      RUN                                      DETAIL',
        '2024-01-01T00:00:00.000Z  ✓ succeeded  etl__backfill__2024-01-01T00:00:00.000Z',
        "2024-01-02T00:00:00.000Z  ✗ failed     etl__backfill__2024-01-02T00:00:00.000Z  task(s) 'load' (boom)",
        '',
      ].join('\n'),
    );
  });
});

it('runs list query: Tideflow runs only, filters ANDed, since without millis', () => {
  expect(runsListQuery({})).toBe("TideflowTrigger IN ('manual', 'schedule', 'backfill', 'drift')");
  expect(runsListQuery({ dag: 'etl', status: 'failed', since: new Date('2024-01-01T00:00:00.000Z') })).toBe(
    "TideflowTrigger IN ('manual', 'schedule', 'backfill', 'drift') AND TideflowDag = 'etl' AND ExecutionStatus = 'Failed' AND StartTime >= '2024-01-01T00:00:00Z'",
  );
});
