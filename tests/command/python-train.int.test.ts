/**
 * The python_train example DAG on the real servers: prepare the penguins CSV, train a
 * nearest-centroid model in Python, gate on its accuracy, report; a weak model is rejected.
 */
import { describe, expect, it } from 'vitest';
import type { ArtifactRef } from '../../activities/command/types';
import type { DagDefinition } from '../../core/model';
import pythonTrain from '../../dags/python_train';
import { runToEnd, statesOf, taskOf } from '../integration/harness';
import { outputOf, readObject, useCommandWorker } from './helpers';

const { h } = useCommandWorker('python-train');

describe('python_train example DAG', () => {
  it('prepares the penguins CSV, trains a nearest-centroid model in Python, gates on its accuracy and reports', async () => {
    const { view, workflowId } = await runToEnd(h, pythonTrain as DagDefinition, {});
    expect(view.status).toBe('success');
    expect(statesOf(view)).toEqual({
      prepare: 'success',
      train: 'success',
      gate: 'success',
      report: 'success',
      rejected: 'skipped',
    });
    expect(outputOf(view, 'prepare').result).toMatchObject({ rows: 333, dropped: 11 });
    const train = outputOf(view, 'train');
    expect(train.result).toMatchObject({ trainRows: 266, testRows: 67, classes: ['Adelie', 'Chinstrap', 'Gentoo'] });
    const accuracy = (train.result as { accuracy: number }).accuracy;
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    const model = JSON.parse((await readObject(h, (train.outputs['model'] as ArtifactRef).uri)).toString()) as {
      features: string[];
      centroids: Record<string, number[]>;
    };
    expect(Object.keys(model.centroids)).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(model.features).toHaveLength(4);
    const report = (await readObject(h, (outputOf(view, 'report').outputs['report'] as ArtifactRef).uri)).toString();
    expect(report).toContain(`- run: \`${workflowId}\``);
    expect(report).toContain(`- test accuracy: ${accuracy.toFixed(4)}`);
    expect((await readObject(h, train.stderr.uri)).toString()).toContain('class Gentoo: ');

    const weak = await runToEnd(h, pythonTrain as DagDefinition, { minAccuracy: 1, features: ['body_mass_g'] });
    expect(weak.view.status).toBe('success');
    expect(taskOf(weak.view, 'report').state).toBe('skipped');
    expect(taskOf(weak.view, 'rejected').state).toBe('success');
  });
});
