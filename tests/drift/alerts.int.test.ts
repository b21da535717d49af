/** The alert receiver over real HTTP, signalling real controllers on the dev server. */
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertEnv } from '../../alerts/main';
import { createAlertReceiver, type AlertReceiver } from '../../alerts/server';
import { driftStatus, signalDrift, signalDriftBatch } from '../../client/drift';
import { PENDING_LIMIT, type ControllerStatus } from '../../mlops/retrain-policy';
import { waitFor } from '../backfill/helpers';
import { useHarnessWithWorker } from '../integration/harness';

const TOKEN = 'test-token-0123456789abcdef';
const h = useHarnessWithWorker('drift-alerts');
let receiver: AlertReceiver;
let url: string;
let signals = 0;
/** Model names the test receiver refuses as unknown (404). */
const UNKNOWN = new Set(['ghost-model']);
const TIMEOUTS = { headers: 1_000, request: 1_500, idle: 1_500 };

beforeAll(async () => {
  receiver = createAlertReceiver({
    token: TOKEN,
    maxBodyBytes: 1024 * 1024,
    log: () => {},
    timeouts: TIMEOUTS,
    knownModel: async (model) => !UNKNOWN.has(model),
    signal: async (model, alerts) => {
      signals++;
      await signalDriftBatch(h.client, model, alerts, {
        taskQueue: h.taskQueue,
        controller: { dagId: 't_backfill', debounceSeconds: 0.5, cooldownSeconds: 0, params: { ms: 50 } },
      });
    },
  });
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/alerts`;
});
afterAll(async () => {
  await new Promise((r) => receiver?.server.close(r));
});

const post = (body: unknown, token: string | null = TOKEN, raw?: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token !== null && { authorization: `Bearer ${token}` }) },
    body: raw ?? JSON.stringify(body),
  });

const alertmanager = (model: string, status: 'firing' | 'resolved' = 'firing') => ({
  version: '4',
  groupKey: '{}:{alertname="FeatureDrift"}',
  truncatedAlerts: 0,
  status,
  receiver: 'tideflow',
  groupLabels: { alertname: 'FeatureDrift' },
  commonLabels: { alertname: 'FeatureDrift' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager:9093',
  alerts: [
    {
      status,
      labels: { alertname: 'FeatureDrift', model, feature: 'bill_length_mm' },
      annotations: { summary: 'PSI 0.31 on bill_length_mm' },
      startsAt: '2026-11-22T05:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'http://prometheus/graph',
      fingerprint: 'c0ffee1234',
    },
    { status, labels: { alertname: 'NoModel' }, annotations: {}, startsAt: '2026-11-22T05:00:00Z', fingerprint: 'beef' },
  ],
});

describe('alert receiver', () => {
  it('an Alertmanager v4 POST becomes one drift signal and one retrain', async () => {
    const model = `am-${Math.random().toString(36).slice(2, 7)}`;
    const res = await post(alertmanager(model));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ format: 'alertmanager', signalled: 1, ignoredWithoutModel: 1 });
    // Accepted means signalled: the controller already has it.
    const s0 = await driftStatus(h.client, model);
    expect(s0?.alertsReceived).toBe(1);
    const s = await waitFor<ControllerStatus>('retrain', async () => {
      const st = await driftStatus(h.client, model);
      return st && st.history.some((r) => r.outcome === 'succeeded') ? st : undefined;
    });
    expect(s.history).toHaveLength(1);
    expect(s.history[0]?.alerts[0]).toMatchObject({
      fingerprint: 'c0ffee1234',
      reason: 'PSI 0.31 on bill_length_mm',
      source: 'alertmanager',
    });
    const resolved = await post(alertmanager(model, 'resolved'));
    expect(await resolved.json()).toMatchObject({ signalled: 0, resolved: 2 });
    expect(receiver.resolved.some((r) => r.model === model && r.fingerprint === 'c0ffee1234')).toBe(true);
  });

  it('accepts the simple JSON format', async () => {
    const model = `simple-${Math.random().toString(36).slice(2, 7)}`;
    const res = await post({ model, reason: 'accuracy dropped' });
    expect(res.status).toBe(200);
    expect((await driftStatus(h.client, model))?.pending[0]).toMatchObject({ reason: 'accuracy dropped', source: 'webhook' });
  });

  it('a bad or missing token → 401 and nothing signalled', async () => {
    const before = signals;
    const model = `unauth-${Math.random().toString(36).slice(2, 7)}`;
    expect((await post(alertmanager(model), 'wrong-token')).status).toBe(401);
    expect((await post(alertmanager(model), null)).status).toBe(401);
    expect(signals).toBe(before);
    expect(await driftStatus(h.client, model)).toBeUndefined();
  });

  it('a malformed payload → 400 with the problems, nothing signalled', async () => {
    const before = signals;
    const bad = await post({ version: '4', status: 'firing', alerts: [{ labels: { model: 'x' } }] });
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { problems: string[] };
    expect(body.problems.join('\n')).toMatch(/receiver|status/);
    expect((await post(undefined, TOKEN, '{not json')).status).toBe(400);
    expect((await post({ reason: 'no model' })).status).toBe(400);
    expect(signals).toBe(before);
  });

  it('an oversized body → 413, nothing signalled', async () => {
    const before = signals;
    const res = await post({ model: 'big', reason: 'x'.repeat(1_100_000) });
    expect(res.status).toBe(413);
    expect(signals).toBe(before);
  });

  it('oversized fields → 400 naming the field (issue 14.1), nothing signalled', async () => {
    const before = signals;
    const model = `huge-${Math.random().toString(36).slice(2, 7)}`;
    const hugeLabels = { ...alertmanager(model) };
    hugeLabels.alerts = [{ ...hugeLabels.alerts[0]!, labels: { model, blob: 'x'.repeat(300_000) } as never }];
    const res = await post(hugeLabels);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { problems: string[] }).problems.join('\n')).toMatch(
      /alerts\.0\.labels\.blob: label values are at most 256/,
    );
    const longReason = await post({ model, reason: 'r'.repeat(5_000) });
    expect(longReason.status).toBe(400);
    expect(((await longReason.json()) as { problems: string[] }).problems.join('\n')).toMatch(/^reason: at most 1000 characters/m);
    const manyLabels = await post({ model, reason: 'x', labels: Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`l${i}`, 'v'])) });
    expect(manyLabels.status).toBe(400);
    expect(((await manyLabels.json()) as { problems: string[] }).problems.join('\n')).toMatch(/labels: at most 32 labels/);
    expect(signals).toBe(before);
    expect(await driftStatus(h.client, model)).toBeUndefined();
  });

  it('a payload error names the field and the expected shape, not just (root) (issue 14.13)', async () => {
    const res = await post({ alerts: [{ model: 'm', reason: 'ok' }, { model: 'm' }] });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { problems: string[] }).problems).toContain(
      'alerts.1.reason: Invalid input: expected string, received undefined',
    );
    const arr = await post([1, 2]);
    expect(((await arr.json()) as { problems: string[] }).problems[0]).toMatch(/expected an Alertmanager v4 payload/);
  });

  it('an invalid model name → 400 (permanent), an unknown model → 404; nothing signalled (issues 14.8, 14.9)', async () => {
    const before = signals;
    const invalid = await post({ model: 'bad name/../x', reason: 'drift' });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: string }).error).toMatch(/invalid model name "bad name\/\.\.\/x"/);
    const unknown = await post({ model: 'ghost-model', reason: 'drift' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ unknownModels: ['ghost-model'] });
    expect(signals).toBe(before);
    expect(await driftStatus(h.client, 'ghost-model')).toBeUndefined();
  });

  it('1,000 alerts of one model in one body are one signal; alerts past the pending cap are counted, not silently dropped (issues 14.1, 14.14)', async () => {
    const model = `storm-${Math.random().toString(36).slice(2, 7)}`;
    const before = signals;
    const alerts = Array.from({ length: 1000 }, (_, i) => ({ model, reason: `drift ${i}`, fingerprint: `fp-${i}` }));
    const res = await post({ alerts });
    expect(res.status).toBe(200);
    expect(signals - before).toBe(1);
    const s = await driftStatus(h.client, model);
    expect(s?.alertsReceived).toBe(1000);
    expect(s?.pending.length).toBeLessThanOrEqual(PENDING_LIMIT);
    // Every alert is either pending, handled by a started retrain, or counted as overflow.
    const handled =
      (s?.pending.length ?? 0) +
      (s?.running?.alerts.length ?? 0) +
      (s?.history.reduce((n, r) => n + (r.alertCount ?? r.alerts.length), 0) ?? 0);
    expect(handled + (s?.overflow ?? 0)).toBeGreaterThanOrEqual(1000 - PENDING_LIMIT);
    expect(s?.overflow).toBeGreaterThan(0);
  });

  it('huge alerts sent straight to the controller (not through the receiver) are clipped: its state stays small (issue 14.1)', async () => {
    const model = `direct-${Math.random().toString(36).slice(2, 7)}`;
    const o = { taskQueue: h.taskQueue, controller: { dagId: 't_backfill', debounceSeconds: 30, cooldownSeconds: 0, params: { ms: 50 } } };
    for (let i = 0; i < 3; i++) {
      const labels = Object.fromEntries(Array.from({ length: 300 }, (_, k) => [`label-${k}`, 'v'.repeat(3000)]));
      await signalDrift(h.client, model, { fingerprint: `big-${i}`, reason: 'r'.repeat(400_000), source: 'test', labels }, o);
    }
    await signalDriftBatch(
      h.client,
      model,
      Array.from({ length: 200 }, (_, i) => ({ fingerprint: `b-${i}`, reason: 'x'.repeat(5000), source: 'test' })),
      o,
    );
    const s = await driftStatus(h.client, model);
    expect(s?.alertsReceived).toBe(203);
    expect(s?.pending).toHaveLength(PENDING_LIMIT);
    expect(s?.overflow).toBe(103);
    expect(JSON.stringify(s).length).toBeLessThan(400_000);
    const desc = await h.client.workflow.getHandle(`tideflow-retrain__${model}`).describe();
    expect(desc.status.name).toBe('RUNNING');
  });

  it('a slow body is cut off by the request timeout; an unauthenticated one is answered 401 and closed at once (issue 14.7)', async () => {
    const { port } = receiver.server.address() as AddressInfo;
    const slow = (auth: boolean) =>
      new Promise<{ ms: number; text: string }>((resolve) => {
        const started = Date.now();
        const sock = connect(port, '127.0.0.1');
        let text = '';
        sock.on('data', (d) => (text += d.toString()));
        sock.on('close', () => resolve({ ms: Date.now() - started, text }));
        sock.on('error', () => {});
        sock.write(
          `POST /alerts HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n${auth ? `authorization: Bearer ${TOKEN}\r\n` : ''}\r\n{"model":`,
        );
        // Then nothing: a client holding the connection open.
        setTimeout(() => sock.destroy(), 20_000);
      });
    const unauth = await slow(false);
    expect(unauth.text).toMatch(/^HTTP\/1\.1 401/);
    expect(unauth.ms).toBeLessThan(1_000);
    const authed = await slow(true);
    expect(authed.ms).toBeLessThan(TIMEOUTS.request + 2_000);
  });

  it('refuses to start without a token unless auth is explicitly disabled', () => {
    expect(() => alertEnv({})).toThrow(/TIDEFLOW_ALERT_TOKEN/);
    expect(alertEnv({ TIDEFLOW_ALERT_AUTH: 'disabled' }).token).toBeNull();
    expect(alertEnv({ TIDEFLOW_ALERT_TOKEN: TOKEN }).token).toBe(TOKEN);
  });
});
