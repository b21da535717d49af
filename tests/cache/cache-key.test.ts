/**
 * The cache key, property style: changing any byte of the input, any referenced artifact's
 * content (sha256 or size), the cache version, the activity or a context value the activity reads
 * gives another key; the same parts give the same key, and an artifact's URI does not count.
 */
import { describe, expect, it } from 'vitest';
import type { TaskContext } from '../../activities/context';
import { cacheKey, canonicalJson, type KeyParts } from '../../activities/cache/key';

const ctx = {
  dagId: 'd',
  taskId: 't',
  workflowId: 'w1',
  runId: 'r1',
  logicalDate: '2024-01-01T00:00:00.000Z',
  ds: '2024-01-01',
  dataIntervalStart: '2023-12-31T00:00:00.000Z',
  dataIntervalEnd: '2024-01-01T00:00:00.000Z',
  params: { a: 1 },
} as unknown as TaskContext;

const sha = (c: string) => c.repeat(64);
const input = {
  dataset: { uri: 's3://b/runs/d/w1/datasets/x.arrow', bytes: 1234, sha256: sha('a'), rows: 10 },
  target: 'species',
  seed: 7,
  steps: [{ op: 'standardize', columns: ['x', 'y'] }],
};
const parts: KeyParts = { activity: 'mlTrainModel', cacheVersion: '2', input, fingerprint: null, context: [] };
const base = cacheKey(parts, ctx);

describe('cache key', () => {
  it('is stable: same parts, key order, another run and another URI for the same content give the same key', () => {
    expect(cacheKey({ ...parts, input: JSON.parse(JSON.stringify(input)) }, ctx)).toBe(base);
    const reordered = {
      seed: 7,
      steps: input.steps,
      target: 'species',
      dataset: { rows: 10, sha256: sha('a'), bytes: 1234, uri: 's3://b/x' },
    };
    expect(cacheKey({ ...parts, input: reordered }, ctx)).toBe(base);
    expect(cacheKey(parts, { ...ctx, workflowId: 'w2', runId: 'r2' } as TaskContext)).toBe(base);
    expect(canonicalJson(input)).not.toContain('s3://');
  });

  it('changes with any byte of the input (every character position of every string, every number)', () => {
    const seen = new Set([base]);
    // Flip each character of the input's string values in turn.
    for (const field of ['target'] as const) {
      for (let i = 0; i < input[field].length; i++) {
        const s = input[field];
        const changed = s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ 1) + s.slice(i + 1);
        const k = cacheKey({ ...parts, input: { ...input, [field]: changed } }, ctx);
        expect(seen.has(k), `${field}[${i}]`).toBe(false);
        seen.add(k);
      }
    }
    for (const v of [8, 7.000001, -7, '7']) seen.add(cacheKey({ ...parts, input: { ...input, seed: v } }, ctx));
    seen.add(cacheKey({ ...parts, input: { ...input, steps: [{ op: 'standardize', columns: ['y', 'x'] }] } }, ctx));
    seen.add(cacheKey({ ...parts, input: { ...input, extra: null } }, ctx));
    expect(seen.size).toBe(1 + input.target.length + 4 + 1 + 1);
  });

  it("changes with a referenced artifact's content: its sha256 or its size, wherever it is nested", () => {
    const keys = new Set([base]);
    for (let i = 0; i < 64; i += 7) {
      const s = sha('a').slice(0, i) + 'b' + sha('a').slice(i + 1);
      keys.add(cacheKey({ ...parts, input: { ...input, dataset: { ...input.dataset, sha256: s } } }, ctx));
    }
    keys.add(cacheKey({ ...parts, input: { ...input, dataset: { ...input.dataset, bytes: 1235 } } }, ctx));
    keys.add(cacheKey({ ...parts, input: { ...input, nested: [{ ref: { ...input.dataset, sha256: sha('c') } }] } }, ctx));
    expect(keys.size).toBe(1 + 10 + 1 + 1);
  });

  it('changes with the cache version, the activity, the fingerprint and the context values it reads', () => {
    const keys = [
      cacheKey({ ...parts, cacheVersion: '3' }, ctx),
      cacheKey({ ...parts, activity: 'mlTuneTrial' }, ctx),
      cacheKey({ ...parts, fingerprint: { version: 1 } }, ctx),
      cacheKey({ ...parts, context: ['ds'] }, ctx),
      cacheKey({ ...parts, context: ['ds'] }, { ...ctx, ds: '2024-01-02' } as TaskContext),
      cacheKey({ ...parts, context: ['params'] }, { ...ctx, params: { a: 2 } } as TaskContext),
    ];
    expect(new Set([base, ...keys]).size).toBe(keys.length + 1);
    // A context value the activity does not read does not count.
    expect(cacheKey(parts, { ...ctx, ds: '2030-01-01' } as TaskContext)).toBe(base);
  });

  it('refuses values JSON cannot carry rather than key them ambiguously', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/no JSON form/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/no JSON form/);
  });
});
