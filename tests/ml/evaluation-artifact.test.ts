/** The evaluation artifact's one declaration reads the documents evaluate wrote before it existed. */
import { describe, expect, it } from 'vitest';
import { evaluationArtifact, rocCurveOf } from '../../activities/ml/evaluation-artifact';

// As evaluate wrote it before the declaration (same fields, spelled out by hand).
const written = {
  format: 'tideflow.evaluation',
  version: 1,
  model: 's3://b/runs/m/model.json',
  task: 'binary',
  candidate: { n: 4, accuracy: 0.75, rocCurve: { fpr: [0, 0.5, 1], tpr: [0, 1, 1], thresholds: [2, 0.7, 0.1] } },
  champion: { version: 3, metrics: { accuracy: 0.5 }, source: 'rescored', evaluation: { n: 4, accuracy: 0.5 } },
  thresholds: { curve: [], table: [] },
};

describe('evaluation artifact', () => {
  it('parses a document written before the declaration, and finds the curves the report draws', () => {
    const doc = evaluationArtifact.parse(written, 'evaluation.json');
    expect(doc.champion?.version).toBe(3);
    expect(rocCurveOf(doc.candidate)).toEqual({ fpr: [0, 0.5, 1], tpr: [0, 1, 1] });
    expect(rocCurveOf(doc.champion?.evaluation)).toBeUndefined();
    expect(evaluationArtifact.parse({ ...written, champion: null }, 'e.json').champion).toBeNull();
  });

  it('refuses another format or a malformed document, naming the field', () => {
    expect(() => evaluationArtifact.parse({ ...written, format: 'tideflow.split' }, 'e.json')).toThrow(/is not a tideflow.evaluation/);
    expect(() => evaluationArtifact.parse({ ...written, candidate: 'x' }, 'e.json')).toThrow(/candidate: expected an evaluation/);
  });
});
