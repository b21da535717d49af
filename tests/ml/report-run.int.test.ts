/**
 * The run report from a real ml_retrain run (Temporal + MinIO): the evaluate step computes the
 * importances on the real model and test split, the report step renders them with the split's
 * boundary and exact counts, and the stored HTML is one inert, self-contained document.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import type { DagDefinition } from '../../core/model';
import type { EvaluateModelOutput } from '../../activities/ml/evaluate-model';
import type { SplitDataOutput } from '../../activities/ml/split-data';
import mlRetrain from '../../dags/ml_retrain';
import { useHarnessWithWorker, runToEnd, taskOf } from '../integration/harness';

const h = useHarnessWithWorker('report-run');

describe('ml_retrain run report', () => {
  it('shows the split boundary, exact counts and feature importances computed by evaluate', async () => {
    const run = await runToEnd(h, mlRetrain as DagDefinition, { modelName: `report-${Math.random().toString(36).slice(2, 8)}` });
    expect(run.view.status).toBe('success');
    const evaluation = taskOf(run.view, 'evaluate').output as EvaluateModelOutput;
    const split = taskOf(run.view, 'split').output as SplitDataOutput;
    const imp = evaluation.importance!;
    expect(imp.permutation).toMatchObject({ metric: 'accuracy', nRepeats: 5, rows: split.testRows, seed: 0 }); // penguins: 3 classes
    expect(imp.model!.features.length).toBeGreaterThan(0);
    expect(imp.model!.features.reduce((s, f) => s + f.value, 0)).toBeCloseTo(1, 9);

    const uri = (taskOf(run.view, 'report').output as { uri: string }).uri;
    const key = uri.replace(`s3://${h.store.bucket}/`, '');
    const res = await h.store.s3.send(new GetObjectCommand({ Bucket: h.store.bucket, Key: key }));
    const html = await res.Body!.transformToString('utf8');
    const splitHtml = html.slice(html.indexOf('<section id="split"'), html.indexOf('</section>', html.indexOf('<section id="split"')));
    expect(splitHtml).toContain(`<dt>test rows</dt><dd>${split.testRows.toLocaleString('en-US')}<span class="muted">`);
    expect(splitHtml).toContain('<dt>test fraction asked</dt><dd>20%</dd>');
    expect(splitHtml).toContain('<dt>seed</dt><dd>42</dd>');
    expect(html).toContain(
      `<tr><td><code>n</code><span class="muted"> (rows)</span></td><td class="num">${split.testRows.toLocaleString('en-US')}</td>`,
    );
    expect(html).toContain('Feature importance (model)');
    expect(html).toContain('Permutation importance (test set)');
    expect(html).toContain(`<code>${imp.permutation!.features[0]!.name}</code>`);
    expect(html).not.toContain('could not be drawn');
    expect(html).not.toMatch(/<script|<img|<link|url\(/i);
  }, 120_000);
});
