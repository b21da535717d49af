/**
 * Every way a client can get a request wrong gets the right status and a message naming the
 * problem (column, row, field, limit) — never a 500; plus auth, limits and timeouts. Real HTTP.
 */
import * as net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameToRows, takeRows } from '../../ml/frame/frame';
import type { PredictionServer } from '../../serve/server';
import { testStore } from '../ml/activity-env';
import { auth, penguinFrame, post, register, startServer, trainModel } from './helpers';

const store = testStore(`serve-bad-${Date.now()}`);
const name = `penguins-${Math.random().toString(36).slice(2, 8)}`;
let server: PredictionServer;
let url: string;
const rows = frameToRows(takeRows(penguinFrame(), [0, 1, 2]));

beforeAll(async () => {
  await register(store, await trainModel(name, 'logistic_regression', { C: 1 }), 'run-1', 'champion');
  ({ server, url } = await startServer(store, { maxRows: 50, maxBodyBytes: 16 * 1024, requestTimeoutMs: 1000 }));
}, 120_000);
afterAll(async () => {
  await server?.close();
});

const score = (body: unknown, headers: Record<string, string> = {}) => post(`${url}/models/${name}/invocations`, body, headers);
const infer = (body: unknown) => post(`${url}/v2/models/${name}/infer`, body);

describe('MLflow bad requests → 400 naming the problem', () => {
  const cases: [string, unknown, RegExp][] = [
    ['a missing column', { dataframe_records: rows.map(({ sex: _sex, ...r }) => r) }, /missing column 'sex'.*the model needs/],
    [
      'a wrong type',
      { dataframe_records: rows.map((r, i) => (i === 1 ? { ...r, flipper_length_mm: { mm: 3 } } : r)) },
      /column 'flipper_length_mm', row 1: \{"mm":3\} is an object; the model expects a number/,
    ],
    [
      'an unparseable value',
      { dataframe_records: rows.map((r, i) => (i === 2 ? { ...r, body_mass_g: 'heavy' } : r)) },
      /column 'body_mass_g', row 2: "heavy" is not a number/,
    ],
    [
      'a boolean for a number',
      { dataframe_records: [{ ...rows[0], beak_depth_mm: true }] },
      /column 'beak_depth_mm', row 0: true is a boolean/,
    ],
    ['no known format', { rows }, /none of dataframe_split, dataframe_records, instances, inputs \(it has rows\)/],
    ['two formats', { instances: rows, inputs: rows }, /has instances and inputs: send exactly one/],
    [
      'a short dataframe_split row',
      { dataframe_split: { columns: ['a', 'b'], data: [[1, 2], [3]] } },
      /dataframe_split.data\[1\] \(row 1\) has 1 values for 2 columns/,
    ],
    ['a record that is not an object', { dataframe_records: [rows[0], 5] }, /dataframe_records\[1\] \(row 1\) is not an object/],
    ['uneven columns', { inputs: { island: ['Dream'], sex: ['MALE', 'FEMALE'] } }, /inputs.sex has 2 values, the other columns 1/],
    ['no rows', { dataframe_records: [] }, /the request has no rows/],
  ];
  it.each(cases)('%s', async (_what, body, message) => {
    const res = await score(body);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error_code: 'BAD_REQUEST' });
    expect(res.json.message).toMatch(message);
  });

  it('malformed JSON, a wrong content type, no model, a bad version', async () => {
    const bad = await score('{"dataframe_records": [');
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/JSON/i);
    const text = await fetch(`${url}/models/${name}/invocations`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(text.status).toBe(415);
    const none = await post(`${url}/invocations`, { dataframe_records: rows });
    expect([none.status, none.json.message]).toEqual([400, expect.stringMatching(/no model chosen: set the X-Tideflow-Model header/)]);
    const version = await post(`${url}/models/${name}/versions/x1/invocations`, { dataframe_records: rows });
    expect([version.status, version.json.message]).toEqual([400, expect.stringMatching(/version must be a positive integer, got 'x1'/)]);
  });

  it('unknown model, alias or version → 404 naming it', async () => {
    const model = await post(`${url}/models/no-such-model/invocations`, { dataframe_records: rows });
    expect([model.status, model.json.message]).toEqual([404, "model 'no-such-model' has no alias 'champion' (or is not registered)"]);
    const alias = await post(`${url}/models/${name}@canary/invocations`, { dataframe_records: rows });
    expect([alias.status, alias.json.message]).toEqual([404, `model '${name}' has no alias 'canary' (or is not registered)`]);
    const version = await post(`${url}/models/${name}/versions/9/invocations`, { dataframe_records: rows });
    expect([version.status, version.json.message]).toEqual([404, `model '${name}' has no version 9 (or is not registered)`]);
    const route = await fetch(`${url}/nowhere`, { headers: auth });
    expect(route.status).toBe(404);
  });
});

describe('V2 bad requests → 400 naming the problem', () => {
  const tensor = (over: Record<string, unknown> = {}) => ({ name: 'island', datatype: 'BYTES', shape: [1], data: ['Dream'], ...over });
  const full = (over: Record<string, unknown>[] = []) => [
    tensor(),
    { name: 'sex', datatype: 'BYTES', shape: [1], data: ['MALE'] },
    ...['beak_length_mm', 'beak_depth_mm', 'flipper_length_mm', 'body_mass_g'].map((n) => ({
      name: n,
      datatype: 'FP64',
      shape: [1],
      data: [40],
    })),
    ...over,
  ];
  const cases: [string, unknown, RegExp][] = [
    [
      'a tensor without datatype',
      { inputs: [{ name: 'island', shape: [1], data: ['x'] }] },
      /body\/inputs\/0 must have required property 'datatype'/,
    ],
    [
      'an unknown datatype',
      { inputs: [tensor({ datatype: 'STRING' })] },
      /body\/inputs\/0\/datatype must be equal to one of the allowed values/,
    ],
    ['shape and data disagree', { inputs: [tensor({ shape: [2] })] }, /input 'island' has shape \[2\] but 1 data values/],
    [
      'a datatype the column cannot take',
      { inputs: full().map((t) => (t.name === 'body_mass_g' ? { ...t, datatype: 'BYTES', data: ['4000'] } : t)) },
      /input 'body_mass_g' has datatype BYTES, but the model's column 'body_mass_g' holds number values \(send FP64\)/,
    ],
    [
      'a value of the wrong type',
      { inputs: full().map((t) => (t.name === 'body_mass_g' ? { ...t, data: ['4000'] } : t)) },
      /input 'body_mass_g', row 0: "4000" is not a FP64 value/,
    ],
    [
      'rows that disagree',
      { inputs: [...full().filter((t) => t.name !== 'sex'), { name: 'sex', datatype: 'BYTES', shape: [2], data: ['MALE', 'FEMALE'] }] },
      /input 'sex' has 2 rows, input 'body_mass_g' 1/,
    ],
    ['a missing column', { inputs: full().filter((t) => t.name !== 'island') }, /missing column 'island'/],
    [
      'an unknown output',
      { inputs: full(), outputs: [{ name: 'logits' }] },
      /unknown output 'logits' \(this model has label, probabilities\)/,
    ],
  ];
  it.each(cases)('%s', async (_what, body, message) => {
    const res = await infer(body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(message);
  });
});

describe('auth, limits and timeouts', () => {
  it('needs the bearer token, except for health probes', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: 'Bearer wrong-token-0123456789' },
      { authorization: 'Basic abc' },
    ]) {
      const res = await fetch(`${url}/models/${name}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ dataframe_records: rows }),
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/v2/models/${name}`)).status).toBe(401);
    expect((await fetch(`${url}/v2/health/live`)).status).toBe(200);
    expect((await fetch(`${url}/ping`)).status).toBe(200);
  });

  it('413 for a body over the byte limit and for a batch over the row limit', async () => {
    const big = await score({ dataframe_records: Array.from({ length: 200 }, () => rows[0]) });
    expect(big.status).toBe(413);
    expect(big.json.message).toMatch(/larger than the limit \(TIDEFLOW_SERVE_MAX_BODY_BYTES\)/);
    const many = await score({ dataframe_split: { columns: ['island'], data: Array.from({ length: 51 }, () => ['Dream']) } });
    expect(many.status).toBe(413);
    expect(many.json.message).toBe('batch of 51 rows is larger than the limit of 50 rows per request (TIDEFLOW_SERVE_MAX_ROWS)');
  });

  it('a request whose body never finishes is cut off at the request timeout', async () => {
    const { port } = new URL(url);
    const started = Date.now();
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write(
          `POST /models/${name}/invocations HTTP/1.1\r\nHost: x\r\nAuthorization: ${auth.authorization}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"dataframe`,
        );
      });
      let got = '';
      socket.on('data', (d) => (got += d.toString()));
      socket.on('close', () => resolve(got));
      socket.on('error', () => resolve(got));
    });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(answer).toMatch(/^HTTP\/1.1 408/);
  });
});
