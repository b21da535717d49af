/**
 * Hostile alerts (issue 14.1, 7, 8, 9, 13, 14): Alertmanager webhook v4 and simple JSON bodies that
 * are malformed, oversized, unauthenticated, for unknown models, with invalid model names, and
 * slow; plus an alert storm past the pending cap, whose refusals must be reported.
 */
import { exitCode, httpStatus, type CaseSpec } from './cases';
import { bigPost, slowClient } from './slow-client';
import { cli, http, type CensusStack } from './stack';

const am = (alerts: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  version: '4',
  status: 'firing',
  receiver: 'tideflow',
  groupLabels: {},
  commonLabels: {},
  commonAnnotations: {},
  alerts,
  ...extra,
});
const firing = (labels: Record<string, string>, fingerprint?: string): Record<string, unknown> => ({
  status: 'firing',
  labels: { alertname: 'FeatureDrift', ...labels },
  annotations: { summary: 'PSI 0.31 on beak_length_mm' },
  ...(fingerprint !== undefined && { fingerprint }),
});

export function alertCases(s: CensusStack, model: string): CaseSpec[] {
  const url = `${s.alertUrl}/alerts`;
  const auth = { authorization: `Bearer ${s.alertToken}` };
  const post = (body: unknown, headers: Record<string, string> = auth) =>
    http(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const c = (name: string, expect: number[], names: RegExp | null, run: CaseSpec['run']): CaseSpec => ({
    group: 'alerts',
    name,
    expect: expect.join('/'),
    accept: httpStatus(...expect),
    names,
    run,
  });
  const big = 'x'.repeat(300_000);
  return [
    c('no Authorization header', [401], /token/, () => post(am([firing({ model })]), {})),
    c('wrong bearer token', [401], /token/, () => post(am([firing({ model })]), { authorization: 'Bearer not-the-token-at-all' })),
    c('Basic auth instead of Bearer', [401], /token/, () => post(am([firing({ model })]), { authorization: 'Basic dXNlcjpwYXNz' })),
    c('malformed JSON', [400], /JSON/, () => post('{"version": "4", "alerts": [', auth)),
    c('a JSON array body', [400], /root|expected/, () => post([1, 2, 3])),
    c('text/plain content type', [415], /content-type/, () =>
      http(url, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: '{}' }),
    ),
    c('webhook version 3', [400], /version/, () => post(am([firing({ model })], { version: '3' }))),
    c('alert status "exploding"', [400], /alerts\.0\.status/, () => post(am([{ ...firing({ model }), status: 'exploding' }]))),
    c('alerts is not a list', [400], /alerts/, () => post(am([], { alerts: { model } }))),
    c('body over 1 MiB (content-length)', [413], /larger than/, () => post(am([firing({ model, pad: 'x'.repeat(1_100_000) })]))),
    c('unauthenticated 2 MiB body', [401, 413], /token|larger/, () => bigPost(url, {}, 2_000_000)),
    c('300 KB label value (under body limit)', [400], /labels\.pad.*256/, () => post(am([firing({ model, pad: big })]))),
    c('40 labels', [400], /labels/, () =>
      post(am([firing({ model, ...Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`l${i}`, 'v'])) })])),
    ),
    c('900 KB of annotations', [400], /annotations/, () =>
      post(am([{ ...firing({ model }), annotations: { summary: 'x'.repeat(900_000) } }])),
    ),
    c('fingerprint of 5,000 characters', [400], /fingerprint/, () => post(am([firing({ model }, 'f'.repeat(5000))]))),
    c('1,001 alerts in one body', [400], /alerts.*1000|at most 1000|1000/, () =>
      post(am(Array.from({ length: 1001 }, (_, i) => firing({ model }, `storm-${i}`)))),
    ),
    c('simple JSON without reason', [400], /reason/, () => post({ model })),
    c('simple JSON, reason of 10,000 chars', [400], /reason/, () => post({ model, reason: 'r'.repeat(10_000) })),
    c('unknown model "penguinz"', [404], /penguinz/, () => post(am([firing({ model: 'penguinz' })]))),
    c('unknown model (simple format)', [404], /no-such-model/, () => post({ model: 'no-such-model', reason: 'drift' })),
    c('invalid model name "../etc"', [400], /\.\.\/etc/, () => post(am([firing({ model: '../etc' })]))),
    c('invalid model name with spaces', [400], /bad name/, () => post({ model: 'bad name', reason: 'drift' })),
    c('invalid model name of 200 chars', [400], /model/, () => post({ model: 'm'.repeat(200), reason: 'drift' })),
    c('GET /alerts', [405], /POST/, () => http(url, { headers: auth })),
    c('unknown path /admin', [404], /not found/, () => http(`${s.alertUrl}/admin`, { method: 'POST', headers: auth, body: '{}' })),
    c('alert without a model label', [200], null, () => post(am([{ ...firing({}), labels: { alertname: 'NoModel' } }]))),
    c('1,000 distinct alerts for a known model', [200], null, () =>
      post(am(Array.from({ length: 1000 }, (_, i) => firing({ model }, `storm-${i}`)))),
    ),
    {
      group: 'alerts',
      name: 'the storm past the 100-alert cap is reported',
      expect: 'exit 0, refused',
      accept: (p) => exitCode(0)(p) && /refused|dropped/i.test(p.text),
      names: /refused|dropped/i,
      run: async () => {
        const p = await cli(s, ['drift', 'status', model]);
        return {
          ...p,
          text:
            p.stdout
              .split('\n')
              .filter((l) => /pending|refused|dropped/i.test(l))
              .join(' | ') || p.stdout,
        };
      },
    },
    {
      group: 'alerts',
      name: 'slow body, unauthenticated (loopback)',
      expect: 'closed ≤ 20 s',
      accept: (p) => /closed|reset/.test(p.status) && (p as { heldMs?: number }).heldMs! <= 20_000,
      names: null,
      run: () => slowClient({ url, completeHeaders: true, maxMs: 45_000 }),
    },
    {
      group: 'alerts',
      name: 'headers never finished (loopback)',
      expect: 'closed ≤ 10 s',
      accept: (p) => /closed|reset/.test(p.status) && (p as { heldMs?: number }).heldMs! <= 10_000,
      names: null,
      run: () => slowClient({ url, completeHeaders: false, maxMs: 45_000 }),
    },
  ];
}
