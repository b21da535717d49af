/**
 * Payloads the alert receiver accepts, validated with zod and normalised to drift alerts.
 *
 * 1. Prometheus Alertmanager webhook, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config):
 *    `{version: "4", status, receiver, groupLabels, commonLabels, commonAnnotations, externalURL, alerts: [...]}`,
 *    each alert `{status: "firing"|"resolved", labels, annotations, startsAt, endsAt, generatorURL, fingerprint}`.
 *    The model is the alert's `model` label; the reason is annotations.summary, else .description,
 *    else labels.alertname; the fingerprint is Alertmanager's.
 * 2. Simple JSON: `{"model": "penguins", "reason": "PSI 0.31 on bill_length_mm", "fingerprint"?: "…",
 *    "labels"?: {…}, "status"?: "firing"|"resolved"}` — or `{"alerts": [that, …]}`. Without a
 *    fingerprint, one is derived from model, reason and labels (so a resend is deduped).
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

const labelMap = z.record(z.string(), z.string());

const amAlert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelMap,
  annotations: labelMap.default({}),
  startsAt: z.string().optional(),
  endsAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().min(1).optional(),
});

export const alertmanagerPayload = z.object({
  version: z.literal('4'),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labelMap.default({}),
  commonLabels: labelMap.default({}),
  commonAnnotations: labelMap.default({}),
  externalURL: z.string().optional(),
  alerts: z.array(amAlert).max(1000),
});

const simpleAlert = z.object({
  model: z.string().min(1),
  reason: z.string().min(1).max(2000),
  fingerprint: z.string().min(1).max(200).optional(),
  labels: labelMap.optional(),
  status: z.enum(['firing', 'resolved']).default('firing'),
});
export const simplePayload = z.union([simpleAlert, z.object({ alerts: z.array(simpleAlert).min(1).max(1000) })]);

export interface NormalizedAlert {
  status: 'firing' | 'resolved';
  /** Undefined when the alert has no `model` label: it cannot be routed to a controller. */
  model?: string;
  fingerprint: string;
  reason: string;
  source: 'alertmanager' | 'webhook';
  labels: Record<string, string>;
}

export type ParseResult = { ok: true; alerts: NormalizedAlert[]; format: 'alertmanager' | 'simple' } | { ok: false; problems: string[] };

const derivedFingerprint = (model: string, reason: string, labels: Record<string, string>): string =>
  createHash('sha256')
    .update(JSON.stringify([model, reason, Object.entries(labels).sort(([a], [b]) => a.localeCompare(b))]))
    .digest('hex')
    .slice(0, 16);

const issues = (e: z.ZodError): string[] => e.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);

export function parseAlertPayload(body: unknown): ParseResult {
  const looksAlertmanager = typeof body === 'object' && body !== null && 'version' in body;
  if (looksAlertmanager) {
    const am = alertmanagerPayload.safeParse(body);
    if (!am.success) return { ok: false, problems: issues(am.error) };
    return {
      ok: true,
      format: 'alertmanager',
      alerts: am.data.alerts.map((a) => {
        const labels = a.labels; // commonLabels are, by definition, already in every alert's labels
        const reason =
          a.annotations.summary ?? a.annotations.description ?? am.data.commonAnnotations.summary ?? labels.alertname ?? 'alert';
        const model = labels.model;
        return {
          status: a.status,
          ...(model !== undefined && { model }),
          fingerprint: a.fingerprint ?? derivedFingerprint(model ?? '', reason, labels),
          reason,
          source: 'alertmanager',
          labels,
        };
      }),
    };
  }
  const simple = simplePayload.safeParse(body);
  if (!simple.success) return { ok: false, problems: issues(simple.error) };
  const list = 'alerts' in simple.data ? simple.data.alerts : [simple.data];
  return {
    ok: true,
    format: 'simple',
    alerts: list.map((a) => {
      const labels = { ...(a.labels ?? {}), model: a.model };
      return {
        status: a.status,
        model: a.model,
        fingerprint: a.fingerprint ?? derivedFingerprint(a.model, a.reason, labels),
        reason: a.reason,
        source: 'webhook',
        labels,
      };
    }),
  };
}
