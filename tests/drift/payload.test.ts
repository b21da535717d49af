/** Pure parts of the alert path: payload parsing, token comparison, the controller's dedupe rule. */
import { describe, expect, it } from 'vitest';
import { parseAlertPayload } from '../../alerts/payload';
import { tokenMatches } from '../../alerts/server';
import { acceptAlert, controllerWorkflowId, initialState, validateAlert } from '../../mlops/retrain-policy';

describe('alert payloads', () => {
  it('normalises Alertmanager v4: model label, summary as reason, its fingerprint; alerts without a model are kept unrouted', () => {
    const r = parseAlertPayload({
      version: '4',
      status: 'firing',
      receiver: 'tideflow',
      alerts: [
        { status: 'firing', labels: { model: 'penguins', alertname: 'Drift' }, annotations: { summary: 'PSI high' }, fingerprint: 'f1' },
        { status: 'resolved', labels: { alertname: 'Other' }, annotations: {}, fingerprint: 'f2' },
      ],
    });
    expect(r).toEqual({
      ok: true,
      format: 'alertmanager',
      alerts: [
        {
          status: 'firing',
          model: 'penguins',
          fingerprint: 'f1',
          reason: 'PSI high',
          source: 'alertmanager',
          labels: { model: 'penguins', alertname: 'Drift' },
        },
        { status: 'resolved', fingerprint: 'f2', reason: 'Other', source: 'alertmanager', labels: { alertname: 'Other' } },
      ],
    });
  });

  it('simple format: one alert or a list; a derived fingerprint is stable', () => {
    const a = parseAlertPayload({ model: 'm', reason: 'r' });
    const b = parseAlertPayload({ alerts: [{ model: 'm', reason: 'r' }] });
    expect(a.ok && b.ok && a.alerts[0]?.fingerprint === b.alerts[0]?.fingerprint).toBe(true);
    expect(a.ok && a.alerts[0]).toMatchObject({ status: 'firing', model: 'm', source: 'webhook' });
  });

  it('reports every problem', () => {
    const r = parseAlertPayload({ version: '4', alerts: [{}] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.length).toBeGreaterThanOrEqual(3);
    expect(parseAlertPayload([1, 2]).ok).toBe(false);
  });

  it('bearer tokens compare exactly', () => {
    expect(tokenMatches('secret-token', 'Bearer secret-token')).toBe(true);
    expect(tokenMatches('secret-token', 'Bearer secret-tokeN')).toBe(false);
    expect(tokenMatches('secret-token', 'secret-token')).toBe(false);
    expect(tokenMatches('secret-token', undefined)).toBe(false);
  });
});

describe('controller rules', () => {
  it('dedupes pending and handled fingerprints; handled ones count again once the window is over', () => {
    const s = initialState();
    const al = (fingerprint: string) => ({ fingerprint, reason: 'r', source: 's' });
    expect(acceptAlert(s, al('a'), 't1', false)).toBe('accepted');
    expect(acceptAlert(s, al('a'), 't2', false)).toBe('duplicate');
    s.handled = ['b'];
    s.pending = [];
    expect(acceptAlert(s, al('b'), 't3', true)).toBe('duplicate');
    expect(acceptAlert(s, al('b'), 't4', false)).toBe('accepted');
    expect(s).toMatchObject({ alertsReceived: 4, duplicates: 2 });
  });

  it('validates signal payloads and model names', () => {
    expect(validateAlert({ fingerprint: 'f', reason: 'r', source: 's', labels: { n: 1 } })).toEqual({
      fingerprint: 'f',
      reason: 'r',
      source: 's',
      labels: { n: '1' },
    });
    expect(validateAlert({ reason: 'r' })).toMatch(/fingerprint/);
    expect(controllerWorkflowId('penguins')).toBe('tideflow-retrain__penguins');
    expect(() => controllerWorkflowId('../x')).toThrow(/invalid model name/);
  });
});
