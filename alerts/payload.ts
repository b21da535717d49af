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
import { ALERT_LIMITS } from '../mlops/retrain-policy';

/** Every field is bounded (ALERT_LIMITS): an oversized alert is a 400 naming the field, never a dead controller. */
const labelMap = z
  .record(
    z.string().max(ALERT_LIMITS.labelNameChars, `label names are at most ${ALERT_LIMITS.labelNameChars} characters`),
    z.string().max(ALERT_LIMITS.labelValueChars, `label values are at most ${ALERT_LIMITS.labelValueChars} characters`),
  )
  .refine((m) => Object.keys(m).length <= ALERT_LIMITS.labels, `at most ${ALERT_LIMITS.labels} labels`)
  .refine(
    (m) => Object.entries(m).reduce((n, [k, v]) => n + k.length + v.length, 0) <= ALERT_LIMITS.labelsChars,
    `labels are at most ${ALERT_LIMITS.labelsChars} characters in all (names and values)`,
  );
/** Annotations are not forwarded (only summary/description become the reason), so they may be longer. */
const annotationMap = z.record(z.string().max(256), z.string().max(16_384, 'annotation values are at most 16384 characters'));
const reasonText = z.string().min(1).max(ALERT_LIMITS.reasonChars, `at most ${ALERT_LIMITS.reasonChars} characters`);
const fingerprintText = z.string().min(1).max(ALERT_LIMITS.fingerprintChars, `at most ${ALERT_LIMITS.fingerprintChars} characters`);
/** Alerts one request may carry (Alertmanager groups; 1,000 alerts in one body are fine). */
export const MAX_ALERTS_PER_REQUEST = 1000;

const amAlert = z.object({
  status: z.enum(['firing', 'resolved']),
  labels: labelMap,
  annotations: annotationMap.default({}),
  startsAt: z.string().max(64).optional(),
  endsAt: z.string().max(64).optional(),
  generatorURL: z.string().max(4096).optional(),
  fingerprint: fingerprintText.optional(),
});

export const alertmanagerPayload = z.object({
  version: z.literal('4'),
  groupKey: z.string().optional(),
  truncatedAlerts: z.number().int().nonnegative().optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labelMap.default({}),
  commonLabels: labelMap.default({}),
  commonAnnotations: annotationMap.default({}),
  externalURL: z.string().max(4096).optional(),
  alerts: z.array(amAlert).max(MAX_ALERTS_PER_REQUEST),
});

const simpleAlert = z.object({
  model: z.string().min(1).max(128),
  reason: reasonText,
  fingerprint: fingerprintText.optional(),
  labels: labelMap.optional(),
  status: z.enum(['firing', 'resolved']).default('firing'),
});
const simpleList = z.object({ alerts: z.array(simpleAlert).min(1).max(MAX_ALERTS_PER_REQUEST) });

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

/** `alerts.3.labels.team: at most 256 characters`: the path of the field, then what was expected. */
const issues = (e: z.ZodError): string[] => e.issues.slice(0, 20).map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);

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
        const raw = a.annotations.summary ?? a.annotations.description ?? am.data.commonAnnotations.summary ?? labels.alertname ?? 'alert';
        // Annotations may be long; the reason that travels to the controller is bounded.
        const reason = raw.length > ALERT_LIMITS.reasonChars ? `${raw.slice(0, ALERT_LIMITS.reasonChars - 1)}…` : raw;
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
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, problems: ['(root): expected an Alertmanager v4 payload or {"model", "reason"} or {"alerts": [...]}'] };
  const simple = ('alerts' in body ? simpleList : simpleAlert).safeParse(body);
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
