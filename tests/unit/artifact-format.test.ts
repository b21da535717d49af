/** defineArtifact: one declaration gives the schema, the type and a reader naming what is wrong (pure). */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineArtifact, type ArtifactOf } from '../../core/artifact-format';
import { ArtifactError } from '../../core/errors';

const report = defineArtifact('tideflow.test-report', 2, { rows: z.number().int(), names: z.array(z.string()) });
type Report = ArtifactOf<typeof report>;

describe('defineArtifact', () => {
  it('parses a document of its format and version; a missing version reads as the declared one', () => {
    const doc: Report = { format: 'tideflow.test-report', version: 2, rows: 3, names: ['a'] };
    expect(report.parse(doc, 's3://b/r.json')).toEqual(doc);
    expect(report.parse({ format: 'tideflow.test-report', rows: 3, names: [] }, 'k').version).toBe(2);
  });

  it('refuses another format, another version or a bad field with an ArtifactError naming the document', () => {
    const where = 's3://b/r.json';
    const cases: [unknown, string][] = [
      [{ format: 'tideflow.model', version: 2 }, `${where} is not a tideflow.test-report: its format is "tideflow.model"`],
      [null, `${where} is not a tideflow.test-report: its format is undefined`],
      [
        { format: 'tideflow.test-report', version: 1, rows: 1, names: [] },
        `${where} is tideflow.test-report version 1; this worker reads version 2`,
      ],
      [{ format: 'tideflow.test-report', version: 2, rows: 1.5, names: [] }, `${where} is not a valid tideflow.test-report: rows: `],
      [{ format: 'tideflow.test-report', version: 2, rows: 1, names: [3] }, `${where} is not a valid tideflow.test-report: names.0: `],
    ];
    for (const [doc, message] of cases) {
      const err = (() => {
        try {
          report.parse(doc, where);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err, message).toBeInstanceOf(ArtifactError);
      expect((err as Error).message).toContain(message);
    }
  });

  it('keeps the format version in another field when the document uses `version` for its own data', () => {
    const doc = defineArtifact('tideflow.test-entry', 1, { version: z.number().int() }, { versionField: 'formatVersion' });
    expect(doc.head).toEqual({ format: 'tideflow.test-entry', formatVersion: 1 });
    expect(doc.parse({ format: 'tideflow.test-entry', version: 7 }, 'k')).toEqual({
      format: 'tideflow.test-entry',
      formatVersion: 1,
      version: 7,
    });
    expect(() => doc.parse({ format: 'tideflow.test-entry', formatVersion: 2, version: 7 }, 'k')).toThrow(
      'k is tideflow.test-entry version 2; this worker reads version 1',
    );
  });
});
