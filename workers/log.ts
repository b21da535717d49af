/**
 * The worker's log: one line per event. The SDK's default prints each event's metadata as a
 * multi-line object (15 lines for an activity failure, task tokens included) and core's native
 * logs straight to the console. Here both go through one logger that writes
 *  - the terminal: `time LEVEL message key=value …`, one line;
 *  - `TIDEFLOW_LOG_DIR/worker.log` when set (npm start sets the data directory's logs/, next to
 *    Temporal's and MinIO's): one JSON object per line, for tools.
 * Task tokens (opaque, long, useless to people) are dropped; long values are shortened.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogEntry } from '@temporalio/worker';

const DROPPED = new Set(['taskToken', 'task_token', 'sdkComponent']);
const MAX_VALUE = 300;

function flatValue(v: unknown): string {
  const text = typeof v === 'string' ? v : v instanceof Error ? `${v.name}: ${v.message}` : (JSON.stringify(v, bigintSafe) ?? String(v));
  const one = text.replace(/\s*\n\s*/g, ' ⏎ ');
  return one.length > MAX_VALUE ? `${one.slice(0, MAX_VALUE)}…` : one;
}
const bigintSafe = (_k: string, v: unknown): unknown => (typeof v === 'bigint' ? v.toString() : v);

/** The event's fields as kept: no task tokens, errors as name + message, every value one line. */
export function eventFields(meta: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta ?? {})) if (!DROPPED.has(k) && v !== undefined) out[k] = flatValue(v);
  return out;
}

/** The time of an entry as ISO (the SDK gives nanoseconds since the epoch). */
const isoOf = (e: LogEntry): string => new Date(Number(e.timestampNanos / 1_000_000n)).toISOString();

/** `2026-01-01T00:00:00.000Z WARN  message key=value key="a value"`. */
export function formatLine(e: LogEntry): string {
  const fields = Object.entries(eventFields(e.meta)).map(([k, v]) => `${k}=${/[\s"=]/.test(v) ? JSON.stringify(v) : v}`);
  return [isoOf(e), e.level.padEnd(5), e.message.replace(/\s*\n\s*/g, ' ⏎ '), ...fields].join(' ');
}

export function formatJsonLine(e: LogEntry): string {
  return JSON.stringify({ time: isoOf(e), level: e.level, message: e.message, ...eventFields(e.meta) });
}

/**
 * Install the runtime's logger; call before any connection or worker is created. Returns the
 * log file, if one is written.
 */
export function installWorkerLogging(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env.TIDEFLOW_LOG_DIR;
  const file = dir ? path.join(dir, 'worker.log') : undefined;
  if (dir) mkdirSync(dir, { recursive: true });
  const level = (env.TIDEFLOW_LOG_LEVEL ?? 'INFO').toUpperCase() as 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  const logger = new DefaultLogger(level, (entry) => {
    process.stderr.write(`${formatLine(entry)}\n`);
    if (file) {
      try {
        appendFileSync(file, `${formatJsonLine(entry)}\n`);
      } catch {
        // A full disk must not take the worker down; the terminal line was written.
      }
    }
  });
  Runtime.install({
    logger,
    // Core's native logs (e.g. "Activity not found on completion … task_token=…") through the same logger.
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN', other: 'ERROR' }), forward: {} } },
  });
  return file;
}
