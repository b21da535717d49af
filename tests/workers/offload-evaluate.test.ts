/**
 * evaluate's thread builds the evaluation artifact itself (issue 11: at 500k test rows the ROC
 * curves, received as objects and stringified on the activity's event loop, stalled it ~550 ms).
 * What crosses back is the artifact's JSON bytes, exactly what in-process evaluation writes, and
 * a few metrics; the champion is rescored, or its recorded metrics kept with the reason. The
 * report's thread reads those curves back from the artifact's bytes.
 */
import { describe, expect, it } from 'vitest';
import { evaluationArtifact, rocCurveOf } from '../../activities/ml/evaluation-artifact';
import type { ModelArtifact } from '../../activities/ml/model-artifact';
import { evaluateModels, metricsRecord, type EvaluateModelsInput } from '../../activities/ml/offload/jobs/evaluate';
import { runInThread } from '../../activities/ml/offload/runner';
import { fitModelArtifact } from '../../bench/fit-model';
import { takeRows } from '../../ml/frame/frame';
import { renderRunReport, type RunReportData } from '../../ml/report';
import { realisticReport } from '../ml/fixtures/report-fixtures';
import type { FeaturePipelineSpecInput } from '../../ml/features';
import { NUMERIC_FEATURES, SYNTHETIC_FEATURES, syntheticFrame } from './synthetic';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const noProgress = (): void => undefined;
const frame = syntheticFrame(3_000, 5);
const classes = ['no', 'yes'];
const train = Int32Array.from({ length: 2_000 }, (_, i) => i);
const test = Int32Array.from({ length: 1_000 }, (_, i) => 2_000 + i);

const model = (
  kind: 'gbt' | 'logistic_regression',
  hyperparams: Record<string, number>,
  features: FeaturePipelineSpecInput = SYNTHETIC_FEATURES,
): Promise<ModelArtifact> =>
  fitModelArtifact(takeRows(frame, train), {
    modelName: 'm',
    kind,
    task: 'binary',
    target: 'label',
    classes,
    features,
    hyperparams,
    seed: 1,
    provenance: { dataset: 's3://b/d.arrow', split: 's3://b/s.json', dagId: 'd', workflowId: 'w' },
  });

describe('offloaded evaluate', async () => {
  const gbt = await model('gbt', { maxIter: 10 });
  const logistic = await model('logistic_regression', { C: 1 });
  const input = (over: Partial<EvaluateModelsInput> = {}): EvaluateModelsInput => ({
    candidate: { doc: gbt, uri: 's3://b/gbt.json' },
    champion: null,
    frame,
    rows: test,
    others: [{ doc: logistic, uri: 's3://b/logistic.json' }],
    ...over,
  });

  it('writes the artifact in the thread, byte for byte what in-process evaluation writes; only metrics cross back', async () => {
    const out = await runInThread('evaluateModels', input());
    expect(text(out.artifact)).toBe(text(evaluateModels(input(), noProgress).artifact));
    const doc = evaluationArtifact.parse(JSON.parse(text(out.artifact)), 'evaluation.json');
    expect(doc.model).toBe('s3://b/gbt.json');
    expect(rocCurveOf(doc.candidate)?.fpr.length).toBeGreaterThan(10);
    expect(doc.thresholds?.table.length).toBeGreaterThan(0);
    expect(doc.importance?.permutation?.rows).toBe(test.length);
    expect(out.metrics).toEqual(metricsRecord(doc.candidate, 'binary'));
    expect(out.metrics).toMatchObject({ n: test.length, roc_auc: expect.any(Number) });
    expect(out.confusion).toEqual('confusion' in doc.candidate ? doc.candidate.confusion : undefined);
    expect(out.importance).toEqual(doc.importance);
    expect(out.others).toHaveLength(1);
    expect(out.others?.[0]).toMatchObject({ n: test.length, roc_auc: expect.any(Number) });
    expect(out.others?.[0]?.['roc_auc']).not.toBe(out.metrics['roc_auc']);
    // No curve comes back as objects.
    const { artifact: _bytes, ...rest } = out;
    expect(JSON.stringify(rest)).not.toContain('rocCurve');
    expect(JSON.stringify(rest).length).toBeLessThan(4_000);
  });

  it('rescores the champion on the same rows, or keeps its recorded metrics with the reason', async () => {
    const version = { version: 3, metrics: { accuracy: 0.5 } };
    const rescored = await runInThread('evaluateModels', input({ champion: { version, model: { doc: logistic, uri: 's3://b/c.json' } } }));
    expect(rescored.champion).toEqual({ version: 3, metrics: rescored.others?.[0], source: 'rescored' });
    const doc = evaluationArtifact.parse(JSON.parse(text(rescored.artifact)), 'e.json');
    expect(doc.champion).toMatchObject({ version: 3, source: 'rescored' });
    expect(rocCurveOf(doc.champion?.evaluation)?.fpr.length).toBeGreaterThan(10);

    const unreadable = await runInThread('evaluateModels', input({ champion: { version, model: { note: 'cannot load it' } } }));
    expect(unreadable.champion).toEqual({ version: 3, metrics: { accuracy: 0.5 }, source: 'recorded', note: 'cannot load it' });
    expect(unreadable.championWarning).toBeUndefined();

    const other = await runInThread(
      'evaluateModels',
      input({ champion: { version, model: { doc: { ...logistic, target: 'region' }, uri: 's3://b/c.json' } } }),
    );
    expect(other.champion).toMatchObject({ source: 'recorded', metrics: { accuracy: 0.5 } });
    expect(other.champion?.note).toContain("the champion predicts binary 'region'");
    // A champion that needs a column these rows lack: its recorded metrics, and the reason to log.
    const noRegion = { ...frame, columns: frame.columns.filter((c) => c.name !== 'region') };
    const numericOnly = await model('gbt', { maxIter: 3 }, { features: NUMERIC_FEATURES, steps: [] });
    const cannot = await runInThread(
      'evaluateModels',
      input({
        candidate: { doc: numericOnly, uri: 's3://b/gbt.json' },
        frame: noRegion,
        others: [],
        champion: { version, model: { doc: logistic, uri: 's3://b/c.json' } },
      }),
    );
    expect(cannot.champion).toMatchObject({ version: 3, source: 'recorded', metrics: { accuracy: 0.5 } });
    expect(cannot.champion?.note).toMatch(/^the champion cannot score this run's test rows \(.*'region'.*\); using its recorded metrics$/);
    expect(cannot.championWarning).toContain("'region'");
  });

  it("renders the report's ROC curves and thresholds from the evaluation artifact's bytes: the same HTML", async () => {
    const full = realisticReport().report;
    const point = (threshold: number, precision: number, recall: number) => ({
      threshold,
      precision,
      recall,
      f1: (2 * precision * recall) / (precision + recall),
    });
    full.evaluation!.thresholds = {
      positiveClass: 'true',
      curve: [point(0.1, 0.35, 0.95), point(0.3, 0.48, 0.7), point(0.5, 0.62, 0.31), point(0.7, 0.8, 0.05)],
      table: [{ ...point(0.5, 0.62, 0.31), predictedPositive: 640 }],
    };
    const e = full.evaluation!;
    const { rocCurve, thresholds, champion, ...rest } = e;
    const artifact = {
      ...evaluationArtifact.head,
      model: 's3://b/m.json',
      task: 'binary',
      candidate: { n: 4000, rocCurve: { ...rocCurve!, thresholds: rocCurve!.fpr.map(() => 0.5) } },
      champion: {
        version: champion!.version,
        metrics: champion!.metrics,
        source: 'rescored',
        evaluation: { n: 4000, rocCurve: champion!.rocCurve },
      },
      thresholds,
    };
    const data: RunReportData = { ...full, evaluation: { ...rest, champion: { version: champion!.version, metrics: champion!.metrics } } };
    const json = new TextEncoder().encode(JSON.stringify(artifact));
    const { html } = await runInThread('renderReport', { data, evaluation: { json, uri: 's3://b/evaluation.json' } });
    expect(text(html)).toBe(await renderRunReport(full));
    expect(text(html)).toContain('<h3>ROC curve</h3>');
    expect(text(html)).toContain('Precision, recall and F1 by threshold');
    await expect(
      runInThread('renderReport', { data, evaluation: { json: new TextEncoder().encode('{"format":'), uri: 's3://b/evaluation.json' } }),
    ).rejects.toThrow('artifact s3://b/evaluation.json is not JSON');
  });
});
