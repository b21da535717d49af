/**
 * ml_retrain with per-trial feature pipelines and classWeight on the real servers (Temporal +
 * MinIO, a worker in this process): gradient boosting on native `categorical` codes against
 * logistic regression on a one-hot encoding of the same column, in one run; each trial scored with
 * its own pipeline, the leaderboard and report naming it, the best trial's fitted pipeline the one
 * train_best stores and the registry points at; a bad pipeline refused at trigger time.
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { EvaluateModelOutput } from '../../activities/ml/evaluate-model';
import { getArtifact } from '../../activities/ml/store';
import type { TrainModelOutput } from '../../activities/ml/train-model';
import type { TrialResult } from '../../activities/ml/tune-trial';
import type { WriteReportOutput } from '../../activities/ml/write-report';
import { startDagRun } from '../../client/runs';
import type { DagDefinition } from '../../core/model';
import mlRetrain from '../../dags/ml_retrain';
import { createRng } from '../../ml/stats/random';
import { useHarnessWithWorker, runToEnd, taskOf } from '../integration/harness';

const h = useHarnessWithWorker('ml-pipelines');

const ORIGINS = ['JFK', 'SFO', 'ORD', 'ATL'];

/** 400 flights; ~15% delayed, mostly from ORD and on long routes. */
async function writeFlights(key: string): Promise<string> {
  const rand = createRng(3);
  const lines = ['distance,origin,delay'];
  for (let i = 0; i < 400; i++) {
    const origin = ORIGINS[Math.floor(rand() * ORIGINS.length)] as string;
    const distance = Math.round(100 + rand() * 2000);
    const delay = Math.round((origin === 'ORD' ? 15 : 0) + distance / 200 + (rand() - 0.7) * 30);
    lines.push(`${distance},${origin},${delay}`);
  }
  await h.store.s3.send(new PutObjectCommand({ Bucket: h.store.bucket, Key: `${h.store.prefix}${key}`, Body: lines.join('\n') }));
  return `s3://${h.store.bucket}/${h.store.prefix}${key}`;
}

const NATIVE = { features: ['distance', 'origin'], steps: [{ op: 'categorical', columns: ['origin'] }] };
const ONEHOT = {
  features: ['distance', 'origin'],
  steps: [
    { op: 'standardize', columns: ['distance'] },
    { op: 'onehot', columns: ['origin'] },
  ],
};

async function readText(uri: string): Promise<string> {
  const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  const res = await h.store.s3.send(new GetObjectCommand({ Bucket: m?.[1], Key: m?.[2] }));
  return (await res.Body?.transformToString()) ?? '';
}

describe('ml_retrain with per-trial feature pipelines and classWeight', () => {
  it('gbt on native categoricals vs logistic on one-hot in one run; the best trial’s pipeline is registered', async () => {
    const source = await writeFlights(`pipelines-${Date.now().toString(36)}/flights.csv`);
    const { view } = await runToEnd(h, mlRetrain as DagDefinition, {
      modelName: `pipelines-${Date.now().toString(36)}`,
      source,
      derive: { delayed: 'd.delay > 15' },
      target: 'delayed',
      schema: { columns: { delayed: { type: 'boolean', nullable: false } }, minRows: 20, newColumns: 'ignore' },
      features: ONEHOT,
      pipelines: { native: NATIVE },
      search: {
        strategy: 'grid',
        space: [
          { kind: 'gbt', pipeline: 'native', params: { maxIter: [20], minSamplesLeaf: [10] } },
          { kind: 'logistic_regression', params: { C: [1] } },
        ],
      },
      classWeight: 'balanced',
      selectBy: 'roc_auc',
      folds: 2,
      scoreTopK: 2,
      thresholds: [{ metric: 'accuracy', lower: 0 }],
      championAlias: null,
    });
    expect(view.status).toBe('success');
    const trials = taskOf(view, 'tune').output as TrialResult[];
    expect(trials.map((t) => [t.kind, t.pipeline])).toEqual([
      ['gbt', 'native'],
      ['logistic_regression', undefined],
    ]);
    // The two pipelines give different matrices: gbt sees 2 columns (distance, origin's codes), logistic 1 + one per origin.
    const train = taskOf(view, 'train_best').output as TrainModelOutput;
    const best = train.best;
    expect(train.features).toBe(best.pipeline === 'native' ? 2 : 1 + ORIGINS.length);
    const fitted = (await getArtifact(h.store, train.pipeline)) as { steps: { op: string }[] };
    expect(fitted.steps.map((s) => s.op)).toEqual(best.pipeline === 'native' ? ['categorical'] : ['standardize', 'onehot']);
    const evaluation = taskOf(view, 'evaluate').output as EvaluateModelOutput;
    expect(new Set(evaluation.leaderboard?.map((e) => e.pipeline ?? 'features'))).toEqual(new Set(['native', 'features']));
    // Registered (its lineage is train_best's pipeline artifact, read above).
    const registered = taskOf(view, 'register').output as { version: number } | undefined;
    expect(registered?.version).toBe(1);
    const html = await readText((taskOf(view, 'report').output as WriteReportOutput).uri);
    expect(html).toContain('<th>pipeline</th>');
    expect(html).toMatch(/<td>native<\/td>/);
  }, 240_000);

  it('a logistic trial on a categorical-coded pipeline is refused at trigger time, naming the entry', async () => {
    await expect(
      startDagRun(h.client, mlRetrain as DagDefinition, {
        taskQueue: h.taskQueue,
        params: {
          pipelines: { native: NATIVE },
          search: { strategy: 'grid', space: [{ kind: 'logistic_regression', pipeline: 'native' }] },
        },
      }),
    ).rejects.toThrow(/search\.space\.0\.pipeline: .*uses pipeline 'native', whose step 0 \(categorical\)/);
  }, 60_000);
});
