/**
 * The alert receiver: an HTTP endpoint (node:http) turning alerts into drift signals.
 *
 *   POST /alerts   Alertmanager webhook v4 or the simple JSON format (alerts/payload.ts)
 *   GET  /healthz  200 "ok"
 *
 * Authentication: `Authorization: Bearer <token>`, compared in constant time (both sides hashed
 * to equal length, then crypto.timingSafeEqual). Limits: bodies above `maxBodyBytes` → 413.
 * Validation failures → 400 with the problems. Each firing alert with a `model` label becomes a
 * drift signal (signal-with-start on that model's controller); firing alerts without a model label
 * are ignored (and reported); resolved alerts are recorded (bounded in-memory log + a log line).
 * The answer is 200 only after Temporal accepted every signal; 503 if any signal failed (the
 * sender retries; the controller dedupes by fingerprint, so a retry never doubles a retrain).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { DriftAlert } from '../mlops/retrain-policy';
import { parseAlertPayload, type NormalizedAlert } from './payload';

export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const RESOLVED_LOG_LIMIT = 1000;

export interface AlertReceiverOptions {
  /** Bearer token; `null` disables authentication (local development only, must be explicit). */
  token: string | null;
  maxBodyBytes?: number;
  /** Signal-with-start on the model's controller; resolves once Temporal accepted the signal. */
  signal(model: string, alert: DriftAlert): Promise<void>;
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
    ...(status === 413 && { connection: 'close' }),
  });
  res.end(text);
}

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
    const results = await Promise.allSettled(
      firing.map((a) => o.signal(a.model, { fingerprint: a.fingerprint, reason: a.reason, source: a.source, labels: a.labels })),
    );
    const failed = results.flatMap((r, i) =>
      r.status === 'rejected' ? [`${firing[i]?.model}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`] : [],
    );
    for (const a of done) {
      resolved.push({ ...(a.model !== undefined && { model: a.model }), fingerprint: a.fingerprint, reason: a.reason, receivedAt: now });
      if (resolved.length > RESOLVED_LOG_LIMIT) resolved.shift();
      log(`alert resolved: model=${a.model ?? '-'} fingerprint=${a.fingerprint} ${a.reason}`);
    }
    if (failed.length > 0)
      throw new HttpError(503, 'Temporal did not accept every drift signal; retry', { failed, signalled: firing.length - failed.length });
    for (const a of firing) log(`drift signal: model=${a.model} fingerprint=${a.fingerprint} ${a.reason}`);
    return { format: parsed.format, signalled: firing.length, resolved: done.length, ignoredWithoutModel: ignored.length };
  };

  const server = createServer((req, res) => {
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
        if (err instanceof HttpError) return send(res, err.status, { error: err.message, ...err.body });
        log(`alert receiver error: ${err instanceof Error ? err.stack : String(err)}`);
        send(res, 500, { error: 'internal error' });
      },
    );
  });
  return { server, resolved };
}
