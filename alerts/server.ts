/**
 * The alert receiver: an HTTP endpoint (node:http) turning alerts into drift signals.
 *
 *   POST /alerts   Alertmanager webhook v4 or the simple JSON format (alerts/payload.ts)
 *   GET  /healthz  200 "ok"
 *
 * Authentication: `Authorization: Bearer <token>`, compared in constant time (both sides hashed
 * to equal length, then crypto.timingSafeEqual). Limits: bodies above `maxBodyBytes` → 413; every
 * alert field is bounded (alerts/payload.ts) → 400 naming the field; slow clients are cut off by
 * header, request and idle timeouts; 401 and 413 close the connection.
 * Permanent rejections are 4xx (and logged): a malformed payload or an invalid model name is 400,
 * a model the registry does not know is 404 — so Alertmanager does not retry them forever.
 * The firing alerts of each model go to its controller in ONE signal-with-start (a 1,000-alert
 * body is one round trip per model); firing alerts without a model label are ignored (and
 * reported); resolved alerts are recorded (bounded in-memory log + a log line). The answer is 200
 * only after Temporal accepted every signal; 503 if any signal failed (a transient problem: the
 * sender retries; the controller dedupes by fingerprint, so a retry never doubles a retrain).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isValidModelName, MODEL_NAME_RULE } from '../core/model-name';
import type { DriftAlert } from '../mlops/retrain-policy';
import { parseAlertPayload, type NormalizedAlert } from './payload';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Timeouts against slow or idle clients (ms): all headers, the whole request, an idle socket. */
export const ALERT_TIMEOUTS: { headers: number; request: number; idle: number } = { headers: 5_000, request: 15_000, idle: 10_000 };
const RESOLVED_LOG_LIMIT = 1000;

export interface AlertReceiverOptions {
  /** Bearer token; `null` disables authentication (local development only, must be explicit). */
  token: string | null;
  maxBodyBytes?: number;
  /** Signal-with-start on the model's controller with all of its alerts; resolves once Temporal accepted it. */
  signal(model: string, alerts: DriftAlert[]): Promise<void>;
  /** Whether alerts for this model are accepted (it is registered, or declared); absent = every valid name. */
  knownModel?: (model: string) => Promise<boolean>;
  timeouts?: Partial<typeof ALERT_TIMEOUTS>;
  log?: (line: string) => void;
}

export interface ResolvedRecord {
  model?: string;
  fingerprint: string;
  reason: string;
  receivedAt: string;
}

export interface AlertReceiver {
  server: Server;
  resolved: ResolvedRecord[];
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

export function tokenMatches(expected: string, header: string | undefined): boolean {
  const match = /^Bearer (.+)$/i.exec(header ?? '');
  const given = match?.[1] ?? '';
  // Hash both so the comparison is constant-time whatever the lengths.
  return timingSafeEqual(digest(expected), digest(given)) && given.length > 0;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new HttpError(413, `body larger than ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, `body larger than ${limit} bytes`));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    // An unauthenticated or oversized request's body is never read: close rather than drain it.
    ...((status === 401 || status === 413) && { connection: 'close' }),
  });
  res.end(text);
}

const groupByModel = (alerts: (NormalizedAlert & { model: string })[]): Map<string, DriftAlert[]> => {
  const byModel = new Map<string, DriftAlert[]>();
  for (const a of alerts) {
    const list = byModel.get(a.model) ?? [];
    list.push({ fingerprint: a.fingerprint, reason: a.reason, source: a.source, labels: a.labels });
    byModel.set(a.model, list);
  }
  return byModel;
};

export function createAlertReceiver(o: AlertReceiverOptions): AlertReceiver {
  const limit = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const log = o.log ?? ((line: string) => console.log(line));
  const resolved: ResolvedRecord[] = [];

  const handleAlerts = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    if (o.token !== null && !tokenMatches(o.token, req.headers.authorization)) throw new HttpError(401, 'missing or invalid bearer token');
    const type = String(req.headers['content-type'] ?? 'application/json');
    if (!/^application\/json\b/i.test(type)) throw new HttpError(415, 'content-type must be application/json');
    const text = await readBody(req, limit);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new HttpError(400, 'body is not valid JSON', { problems: ['(root): not valid JSON'] });
    }
    const parsed = parseAlertPayload(body);
    if (!parsed.ok) throw new HttpError(400, 'invalid alert payload', { problems: parsed.problems });
    const now = new Date().toISOString();
    const firing = parsed.alerts.filter((a): a is NormalizedAlert & { model: string } => a.status === 'firing' && a.model !== undefined);
    const ignored = parsed.alerts.filter((a) => a.status === 'firing' && a.model === undefined);
    const done = parsed.alerts.filter((a) => a.status === 'resolved');
    const byModel = groupByModel(firing);
    const models = [...byModel.keys()];
    const invalid = models.filter((m) => !isValidModelName(m));
    if (invalid.length > 0)
      throw new HttpError(400, `invalid model name ${invalid.map((m) => JSON.stringify(m)).join(', ')}: ${MODEL_NAME_RULE}`, {
        problems: invalid.map((m) => `model ${JSON.stringify(m)}: ${MODEL_NAME_RULE}`),
      });
    if (o.knownModel) {
      const known = await Promise.all(models.map((m) => (o.knownModel as (m: string) => Promise<boolean>)(m)));
      const unknown = models.filter((_, i) => !known[i]);
      if (unknown.length > 0)
        throw new HttpError(404, `unknown model ${unknown.map((m) => JSON.stringify(m)).join(', ')}: not in the model registry`, {
          unknownModels: unknown,
        });
    }
    const results = await Promise.allSettled(models.map((m) => o.signal(m, byModel.get(m) ?? [])));
    const failed = results.flatMap((r, i) =>
      r.status === 'rejected' ? [`${models[i]}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`] : [],
    );
    for (const a of done) {
      resolved.push({ ...(a.model !== undefined && { model: a.model }), fingerprint: a.fingerprint, reason: a.reason, receivedAt: now });
      if (resolved.length > RESOLVED_LOG_LIMIT) resolved.shift();
      log(`alert resolved: model=${a.model ?? '-'} fingerprint=${a.fingerprint} ${a.reason}`);
    }
    if (failed.length > 0)
      throw new HttpError(503, 'Temporal did not accept every drift signal; retry', {
        failed,
        signalledModels: models.length - failed.length,
      });
    for (const a of firing) log(`drift signal: model=${a.model} fingerprint=${a.fingerprint} ${a.reason}`);
    return { format: parsed.format, signalled: firing.length, resolved: done.length, ignoredWithoutModel: ignored.length };
  };

  const timeouts = { ...ALERT_TIMEOUTS, ...o.timeouts };
  // connectionsCheckingInterval: how often Node enforces headersTimeout/requestTimeout (default 30 s).
  const server = createServer(
    { headersTimeout: timeouts.headers, requestTimeout: timeouts.request, connectionsCheckingInterval: 500 },
    (req, res) => {
      const url = (req.url ?? '/').split('?')[0];
      if (req.method === 'GET' && url === '/healthz') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      if (url !== '/alerts') return send(res, 404, { error: 'not found (POST /alerts)' });
      if (req.method !== 'POST') return send(res, 405, { error: 'use POST' });
      handleAlerts(req).then(
        (body) => send(res, 200, body),
        (err: unknown) => {
          if (err instanceof HttpError) {
            log(`alert receiver: ${err.status} ${err.message}`);
            return send(res, err.status, { error: err.message, ...err.body });
          }
          log(`alert receiver error: ${err instanceof Error ? err.stack : String(err)}`);
          send(res, 500, { error: 'internal error' });
        },
      );
    },
  );
  server.keepAliveTimeout = timeouts.idle;
  // An idle socket (no bytes either way) is closed, whatever state the request is in.
  server.setTimeout(timeouts.idle, (socket) => socket.destroy());
  return { server, resolved };
}
