/**
 * The model document (`tideflow.model`, one defineArtifact declaration in ml/predict/model.ts):
 * a document stored by an earlier build (fixtures/model-v1, written at commit 2f35c33) still
 * parses and scores exactly as it did; a wrong format or a broken field is refused naming the uri.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frameFromRows, type Row } from '../../ml/frame/frame';
import { ModelDocumentError, parseModelDocument, scoreFrame } from '../../ml/predict';

const dir = join(__dirname, 'fixtures', 'model-v1');
const stored = (): Record<string, unknown> => JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as Record<string, unknown>;
const before = JSON.parse(readFileSync(join(dir, 'scores.json'), 'utf8')) as { rows: Row[]; labels: string[]; proba: number[] };

describe('tideflow.model documents', () => {
  it('parses a model stored by an earlier build and scores rows as that build did', () => {
    const model = parseModelDocument(stored(), 's3://b/models/penguins.json');
    expect(model.artifact.version).toBe(1);
    expect(model.artifact.classes).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    const scores = scoreFrame(model, frameFromRows(before.rows));
    expect(scores.labels).toEqual(before.labels);
    expect(Array.from(scores.proba ?? [])).toEqual(before.proba);
  });

  it('refuses another format, a newer version or a bad field, naming the document', () => {
    const uri = 's3://b/models/x.json';
    const cases: [unknown, string][] = [
      [{ format: 'tideflow.split', version: 2 }, `${uri} is not a tideflow.model: its format is "tideflow.split"`],
      [{ ...stored(), version: 2 }, `${uri} is tideflow.model version 2; this worker reads version 1`],
      [{ ...stored(), task: 'ranking' }, `${uri} is not a valid tideflow.model: task:`],
      [{ ...stored(), pipeline: [] }, `${uri} is not a valid tideflow.model: pipeline: expected an object`],
      [{ ...stored(), classes: ['a', 'b'] }, `${uri} is not a usable tideflow.model: the model lists 2 classes, the estimator predicts 3`],
    ];
    for (const [doc, message] of cases) {
      expect(() => parseModelDocument(doc, uri), message).toThrow(ModelDocumentError);
      expect(() => parseModelDocument(doc, uri), message).toThrow(message);
    }
  });
});
