/**
 * ml_retrain and batch_predict with the issue 11 params on the real servers (Temporal + MinIO,
 * a worker in this process): a lookback window over dt= partitions, a derived target, a filter,
 * a time split at a cutoff relative to the data interval, holdout validation and a top-2
 * leaderboard — and bad params failing at trigger time, both in the client and in the workflow.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { EvaluateModelOutput } from '../../activities/ml/evaluate-model';
import { evaluationArtifact, rocCurveOf } from '../../activities/ml/evaluation-artifact';
import { getArtifact, getArtifactBytes } from '../../activities/ml/store';
import type { WriteReportOutput } from '../../activities/ml/write-report';
import type { IngestOutput } from '../../activities/ml/ingest-data';
import type { SplitDataOutput } from '../../activities/ml/split-data';
import type { TrialResult } from '../../activities/ml/tune-trial';
import { startDagRun, waitForRun } from '../../client/runs';
import type { DagDefinition } from '../../core/model';
import batchPredict from '../../dags/batch_predict';
import mlRetrain from '../../dags/ml_retrain';
import { createRng } from '../../ml/stats/random';
import { useHarnessWithWorker, taskOf } from '../integration/harness';

const h = useHarnessWithWorker('ml-shaping');

const DAYS = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05', '2024-01-06', '2024-01-07'];

/** One CSV per day under dt=YYYY-MM-DD/: hourly flights with a delay driven by distance and hour. */
async function writeLake(prefix: string): Promise<string> {
  const rand = createRng(11);
  for (const day of DAYS) {
    const lines = ['date,distance,origin,delay'];
    for (let hour = 0; hour < 24; hour++) {
      const distance = Math.round(100 + rand() * 2000);
      const delay = Math.round((distance / 100) * (hour > 12 ? 2 : 0.5) + (rand() - 0.5) * 20);
      const origin = rand() < 0.1 ? 'XXX' : rand() < 0.5 ? 'JFK' : 'SFO';
      lines.push(`${day}T${String(hour).padStart(2, '0')}:30:00Z,${distance},${origin},${delay}`);
    }
    await h.store.s3.send(
      new PutObjectCommand({ Bucket: h.store.bucket, Key: `${h.store.prefix}${prefix}dt=${day}/part-0.csv`, Body: lines.join('\n') }),
    );
  }
  return `s3://${h.store.bucket}/${h.store.prefix}${prefix}`;
}

const start = async (dag: DagDefinition, params: Record<string, unknown>, logicalDate: string) => {
  const handle = await startDagRun(h.client, dag, { taskQueue: h.taskQueue, params, logicalDate });
  const outcome = await waitForRun(handle);
  if (!outcome.view) throw new Error(`run ended without a summary: ${outcome.error}`);
  return outcome.view;
};

describe('ml_retrain with shaping, windows and user-controlled validation', () => {
  it('window + derive + filter + time cutoff + folds 0 + scoreTopK 2, end to end', async () => {
    const source = await writeLake(`lake-${Date.now().toString(36)}/`);
    const modelName = `delays-${Date.now().toString(36)}`;
    const view = await start(
      mlRetrain as DagDefinition,
      {
        modelName,
        source,
        normalizeColumns: false,
        window: { lookback: '5 days' },
        derive: { delayed: 'd.delay > 15', hour: 'op.utchours(d.date)' },
        filter: "d.origin != 'XXX'",
        target: 'delayed',
        schema: { columns: { delayed: { type: 'boolean', nullable: false } }, minRows: 20, newColumns: 'ignore' },
        features: { features: ['distance', 'hour'], steps: [{ op: 'standardize', columns: ['distance', 'hour'] }] },
        split: { strategy: 'time', timeColumn: 'date', cutoff: 'dataIntervalEnd - 2 days' },
        search: { strategy: 'grid', space: [{ kind: 'logistic_regression', params: { C: [0.01, 1, 100] } }] },
        folds: 0,
        validationFraction: 0.25,
        scoreTopK: 2,
        thresholds: [{ metric: 'accuracy', lower: 0 }],
        championAlias: null,
      },
      '2024-01-06T00:00:00Z',
    );
    expect(view.status).toBe('success');
    const ingest = taskOf(view, 'ingest').output as IngestOutput;
    // Data interval end 2024-01-06T00:00 (unscheduled: the logical date); window [01-01, 01-06).
    expect(ingest.window).toMatchObject({ partitions: DAYS.slice(0, 5), skippedPartitions: 2 });
    expect(ingest.files).toHaveLength(5);
    expect(ingest.shaping?.derived).toEqual([
      { name: 'delayed', type: 'boolean' },
      { name: 'hour', type: 'number' },
    ]);
    expect(ingest.shaping?.filter?.rowsIn).toBe(120);
    expect(ingest.rows).toBe(ingest.shaping?.filter?.rowsOut);
    expect(ingest.rows).toBeLessThan(120);

    const split = taskOf(view, 'split').output as SplitDataOutput;
    expect(split.boundary?.cutoff).toBe('2024-01-04T00:00:00.000Z');
    expect((split.boundary?.lastTrain ?? '') < '2024-01-04' && (split.boundary?.firstTest ?? '') >= '2024-01-04').toBe(true);
    const trials = taskOf(view, 'tune').output as TrialResult[];
    expect(trials.map((t) => t.validation?.kind)).toEqual(['holdout', 'holdout', 'holdout']);
    expect(trials.every((t) => t.perFold.length === 1)).toBe(true);
    const evaluation = taskOf(view, 'evaluate').output as EvaluateModelOutput;
    expect(evaluation.leaderboard?.map((e) => e.rank)).toEqual([1, 2]);
    expect(evaluation.leaderboard?.[0]?.test).toEqual(evaluation.metrics);
    expect(evaluation.leaderboard?.[1]?.test.n).toBe(split.testRows);
    // evaluate's thread wrote the artifact (ROC curve, thresholds); the report's thread drew them from it.
    const doc = evaluationArtifact.parse(await getArtifact(h.store, evaluation.evaluation), evaluation.evaluation.uri);
    expect(doc.candidate.n).toBe(split.testRows);
    expect(rocCurveOf(doc.candidate)?.fpr.length).toBeGreaterThan(2);
    expect(doc.thresholds?.table.length).toBeGreaterThan(0);
    const html = (await getArtifactBytes(h.store, taskOf(view, 'report').output as WriteReportOutput)).toString('utf8');
    expect(html).toContain('<h3>ROC curve</h3>');
    expect(html).toContain('Precision, recall and F1 by threshold');
    expect(html).not.toContain('could not be drawn');
  }, 240_000);

  it('bad params fail at trigger time naming the param: in the client, and in the workflow when a starter skips that check', async () => {
    await expect(
      startDagRun(h.client, mlRetrain as DagDefinition, { taskQueue: h.taskQueue, params: { derive: { y: 'process.exit(1)' } } }),
    ).rejects.toThrow(/derive\.y: expression 'process\.exit\(1\)': Invalid function call/);
    await expect(
      startDagRun(h.client, batchPredict as DagDefinition, { taskQueue: h.taskQueue, params: { interval: { start: 'a', end: 'b' } } }),
    ).rejects.toThrow(/interval/);
    // Straight to Temporal: the workflow parses the params itself (arquero's parser inside the workflow sandbox).
    const handle = await h.client.workflow.start('ml_retrain', {
      taskQueue: h.taskQueue,
      workflowId: `ml_retrain__bad-params__${Date.now()}`,
      args: [{ params: { filter: ['d.x > 1', "''.constructor.constructor`return process```"], window: { lookback: '1 fortnight' } } }],
    });
    const outcome = await waitForRun(handle);
    expect(outcome.error).toMatch(/Invalid params for DAG 'ml_retrain'/);
    expect(outcome.error).toMatch(/filter\.1: expression .*template literals/);
    expect(outcome.error).toMatch(/window\.lookback: '1 fortnight' is not a duration/);
  }, 60_000);
});
