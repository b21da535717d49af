/** The alert receiver over real HTTP, signalling real controllers on the dev server. */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertEnv } from '../../alerts/main';
import { createAlertReceiver, type AlertReceiver } from '../../alerts/server';
import { driftStatus, signalDrift } from '../../client/drift';
import type { ControllerStatus } from '../../mlops/retrain-policy';
import { waitFor } from '../backfill/helpers';
import { createHarness, type Harness } from '../integration/harness';

const TOKEN = 'test-token-0123456789abcdef';
let h: Harness;
let stopWorker: () => Promise<void>;
let receiver: AlertReceiver;
let url: string;
let signals = 0;

beforeAll(async () => {
  h = await createHarness('drift-alerts');
  stopWorker = (await h.startWorker()).stop;
  receiver = createAlertReceiver({
    token: TOKEN,
    maxBodyBytes: 4096,
    log: () => {},
    signal: async (model, alert) => {
      signals++;
      await signalDrift(h.client, model, alert, {
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
  await stopWorker?.();
  await h?.close();
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
    const res = await post({ model: 'big', reason: 'x'.repeat(10_000) });
    expect(res.status).toBe(413);
    expect(signals).toBe(before);
  });

  it('refuses to start without a token unless auth is explicitly disabled', () => {
    expect(() => alertEnv({})).toThrow(/TIDEFLOW_ALERT_TOKEN/);
    expect(alertEnv({ TIDEFLOW_ALERT_AUTH: 'disabled' }).token).toBeNull();
    expect(alertEnv({ TIDEFLOW_ALERT_TOKEN: TOKEN }).token).toBe(TOKEN);
  });
});
