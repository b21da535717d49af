/**
 * Hostile prediction requests: missing columns, wrong types, oversized bodies and batches, bad or
 * missing tokens, unknown models and versions, a slow body — each must be a 4xx naming the
 * problem (or a bounded disconnect), never a 5xx that tells the client to retry.
 */
import { readFileSync } from 'node:fs';
import { resolvePackageFile } from '../../activities/ml/source';
import { httpStatus, type CaseSpec } from './cases';
import { bigPost, slowClient } from './slow-client';
import { http, type CensusStack } from './stack';

type Row = Record<string, unknown>;

/** Three penguins with ml_retrain's column names (snake_case, null for missing). */
function penguins(): Row[] {
  const raw = JSON.parse(readFileSync(resolvePackageFile('vega-datasets/data/penguins.json'), 'utf8')) as Row[];
  const snake = (k: string): string =>
    k
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '');
  return raw.slice(0, 3).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [snake(k), v === '.' ? null : v])));
}

export function serveCases(s: CensusStack, model: string): CaseSpec[] {
  const rows = penguins();
  const auth = { authorization: `Bearer ${s.serveToken}` };
  const score = (body: unknown, headers: Record<string, string> = auth, path = `/models/${model}@champion/invocations`) =>
    http(`${s.serveUrl}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const c = (name: string, expect: number[], names: RegExp | null, run: () => ReturnType<typeof score>): CaseSpec => ({
    group: 'serve',
    name,
    expect: expect.join('/'),
    accept: httpStatus(...expect),
    names,
    run,
  });
  const drop = (col: string): Row[] => rows.map(({ [col]: _gone, ...r }) => r);
  return [
    c('a valid request (control)', [200], null, () => score({ dataframe_records: rows })),
    c('missing column sex', [400], /sex/, () => score({ dataframe_records: drop('sex') })),
    c('object for a number', [400], /flipper_length_mm/, () =>
      score({ dataframe_records: rows.map((r) => ({ ...r, flipper_length_mm: { mm: 3 } })) }),
    ),
    c('"heavy" for body_mass_g', [400], /body_mass_g/, () =>
      score({ dataframe_records: rows.map((r) => ({ ...r, body_mass_g: 'heavy' })) }),
    ),
    c('no known input format', [400], /dataframe_split|instances|inputs/, () => score({ rows })),
    c('malformed JSON', [400], /JSON/i, () => score('{"dataframe_records": [')),
    c('no token', [401], /token|auth/i, () => score({ dataframe_records: rows }, {})),
    c('wrong token', [401], /token|auth/i, () => score({ dataframe_records: rows }, { authorization: 'Bearer wrong-token-wrong-token' })),
    {
      group: 'serve',
      name: '9 MiB body (over 8 MiB)',
      expect: '413',
      accept: httpStatus(413),
      names: /large|limit|bytes/i,
      run: () => bigPost(`${s.serveUrl}/models/${model}@champion/invocations`, auth, 9 * 1024 * 1024),
    },
    c('10,001-row batch (over max rows)', [413], /10000|10,000|rows/, () =>
      score({ dataframe_records: Array.from({ length: 10_001 }, (_, i) => rows[i % rows.length]) }),
    ),
    c('unknown model', [404], /no-such-model/, () => score({ dataframe_records: rows }, auth, '/models/no-such-model/invocations')),
    c('unknown alias @latest', [404], /latest/, () => score({ dataframe_records: rows }, auth, `/models/${model}@latest/invocations`)),
    c('version 999', [404], /999/, () => score({ dataframe_records: rows }, auth, `/models/${model}/versions/999/invocations`)),
    c('version "x1"', [400], /x1/, () => score({ dataframe_records: rows }, auth, `/models/${model}/versions/x1/invocations`)),
    c('model name %2e%2e', [400, 404], /\.\.|model/, () => score({ dataframe_records: rows }, auth, '/models/%2e%2e/invocations')),
    c('KServe V2 wrong datatype', [400], /datatype|FP32|BYTES|species|island|sex|beak/i, () =>
      http(`${s.serveUrl}/v2/models/${model}/infer`, {
        method: 'POST',
        headers: auth,
        json: { inputs: [{ name: 'island', shape: [1], datatype: 'FP32', data: ['Dream'] }] },
      }),
    ),
    c('KServe V2 shape/data mismatch', [400], /shape|data/i, () =>
      http(`${s.serveUrl}/v2/models/${model}/infer`, {
        method: 'POST',
        headers: auth,
        json: { inputs: [{ name: 'body_mass_g', shape: [5], datatype: 'FP64', data: [1] }] },
      }),
    ),
    {
      group: 'serve',
      name: 'slow body with a valid token (loopback)',
      expect: 'closed ≤ 40 s',
      accept: (p) => /closed|reset|HTTP 408/.test(p.status) && (p as { heldMs?: number }).heldMs! <= 40_000,
      names: null,
      run: () =>
        slowClient({ url: `${s.serveUrl}/models/${model}@champion/invocations`, completeHeaders: true, headers: auth, maxMs: 60_000 }),
    },
  ];
}
