/**
 * Render a RunView for people: the header and task table of `runs show` and of
 * `trigger --wait`'s final report, the one-line progress events, and the compact live
 * status redrawn on a terminal. Pure: time comes in as `now`.
 */
import type { RunView, TaskView } from '../core/run-view';
import type { TaskState } from '../core/trigger-rules';
import { columns, compactJson, elapsedMs, formatClock, formatDuration, formatInstant, plural, table, truncate } from './format';

export type Painter = (style: 'green' | 'red' | 'yellow' | 'gray' | 'bold' | 'cyan', text: string) => string;
const plain: Painter = (_style, text) => text;

const SYMBOLS: Record<TaskState, string> = {
  pending: '·',
  running: '▸',
  success: '✓',
  failed: '✗',
  upstream_failed: '✗',
  skipped: '↷',
};

function symbol(state: TaskState, paint: Painter): string {
  const s = SYMBOLS[state];
  if (state === 'success') return paint('green', s);
  if (state === 'failed' || state === 'upstream_failed') return paint('red', s);
  if (state === 'running') return paint('cyan', s);
  return paint('gray', s);
}

/** Cell width of the error/note column; longer messages are repeated in full under the table. */
const NOTE_WIDTH = 70;

function mappedNote(t: TaskView): string | undefined {
  const m = t.mapped;
  if (!m) return undefined;
  const parts = [`${m.succeeded}/${m.total} mapped ok`];
  if (m.running > 0) parts.push(`${m.running} running`);
  if (m.failed > 0) parts.push(`${m.failed} failed`);
  return parts.join(', ');
}

/** The output came from an earlier run: `cached (from <run>)` (step cache) or `reused from <run>` (re-run from failure). */
export function cachedNote(t: TaskView): string | undefined {
  if (!t.cached) return undefined;
  return t.cached.via === 'retry' ? `reused from ${t.cached.workflowId}` : `cached (from ${t.cached.workflowId})`;
}

function taskNote(t: TaskView): string {
  return [t.error, t.note, cachedNote(t), mappedNote(t)].filter((s): s is string => s !== undefined && s !== '').join('; ');
}

function runDuration(view: RunView, now: number): string {
  return formatDuration(elapsedMs(view.startedAt, view.endedAt, now) ?? NaN);
}

/** HTML reports among the task outputs (`{uri, contentType: 'text/html…'}`), e.g. ml_retrain's run report. */
export function reportLinks(view: RunView): [string, string][] {
  const links: [string, string][] = [];
  for (const t of view.tasks) {
    const o = t.output as { uri?: unknown; contentType?: unknown } | undefined;
    if (o && typeof o.uri === 'string' && typeof o.contentType === 'string' && o.contentType.startsWith('text/html'))
      links.push([t.id, o.uri]);
  }
  return links;
}

export function formatRunHeader(view: RunView, now: number = Date.now()): string {
  const rows: [string, string][] = [
    ['DAG', view.dagId],
    ['Status', `${view.status}${view.endedAt !== undefined ? ` after ${runDuration(view, now)}` : ` for ${runDuration(view, now)}`}`],
    ['Trigger', view.trigger],
    ['Logical date', `${formatInstant(view.logicalDate)} (ds ${view.ds})`],
    // Runs started before data intervals existed have none; a shape check, not a type check.
    ...(view.dataIntervalStart && view.dataIntervalEnd
      ? [['Data interval', `${formatInstant(view.dataIntervalStart)} → ${formatInstant(view.dataIntervalEnd)}`] as [string, string]]
      : []),
    ['Params', compactJson(view.params)],
    ['Started', `${formatInstant(view.startedAt)}${view.endedAt !== undefined ? `, ended ${formatInstant(view.endedAt)}` : ''}`],
    ['Workflow', `${view.workflowId} (run ${view.runId})`],
    ...(view.retryOf ? [['Retry of', `${view.retryOf.workflowId} (run ${view.retryOf.runId})`] as [string, string]] : []),
    ...reportLinks(view).map(([task, uri]): [string, string] => ['Report', `${uri} (task ${task})`]),
  ];
  return `${columns(
    rows.map(([k, v]) => [`${k}:`, v]),
    '',
  ).join('\n')}\n`;
}

export function formatTaskTable(view: RunView, now: number = Date.now()): string {
  const rows = view.tasks.map((t) => [
    t.id,
    `${SYMBOLS[t.state]} ${t.state}`,
    t.attempts > 0 ? String(t.attempts) : '',
    formatClock(t.startedAt),
    formatDuration(elapsedMs(t.startedAt, t.endedAt, now) ?? NaN),
    truncate(taskNote(t), NOTE_WIDTH),
  ]);
  const out = table(['TASK', 'STATE', 'ATTEMPTS', 'STARTED (UTC)', 'DURATION', 'ERROR / NOTE'], rows);
  // A cut-off error is the one thing a person needs in full, so repeat those below the table.
  const long = view.tasks.filter((t) => t.error !== undefined && truncate(t.error, NOTE_WIDTH) !== t.error);
  if (long.length === 0) return out;
  return `${out}\nErrors:\n${long.map((t) => `  ${t.id}: ${(t.error ?? '').replace(/\n/g, '\n    ')}`).join('\n')}\n`;
}

export function formatRun(view: RunView, now: number = Date.now()): string {
  return `${formatRunHeader(view, now)}\n${formatTaskTable(view, now)}`;
}

/** One progress line for a task that just reached `t.state`; undefined for states not worth a line. */
export function formatTaskEvent(t: TaskView, idWidth: number, paint: Painter = plain): string | undefined {
  const id = t.id.padEnd(idWidth);
  const took = formatDuration(elapsedMs(t.startedAt, t.endedAt) ?? NaN);
  // Empty tasks (joins, branch points) run no activity, so they have no attempts to count.
  const attempts = t.mapped ? `${t.mapped.total} mapped` : t.attempts > 0 ? plural(t.attempts, 'attempt') : '';
  const facts = [attempts, took].filter(Boolean).join(', ');
  switch (t.state) {
    case 'pending':
      return undefined;
    case 'running':
      return `  ${symbol('running', paint)} ${id}  running${t.mapped ? ` (${plural(t.mapped.total, 'mapped instance')})` : ''}`;
    case 'success':
      return `  ${symbol('success', paint)} ${id}  success${facts ? ` (${facts})` : ''}${t.cached ? `, ${cachedNote(t)}` : ''}`;
    case 'failed':
      return `  ${symbol('failed', paint)} ${id}  failed: ${truncate(t.error ?? 'unknown error', 200)}${facts ? ` (${facts})` : ''}`;
    case 'upstream_failed':
    case 'skipped':
      return `  ${symbol(t.state, paint)} ${id}  ${t.state}${t.note !== undefined ? ` (${t.note})` : ''}`;
  }
}

/**
 * Progress lines for what changed since `seen` (task id → last printed state), which is
 * updated in place. Polling can miss intermediate states; only the latest is printed.
 */
export function taskEvents(view: RunView, seen: Map<string, TaskState>, paint: Painter = plain): string[] {
  const idWidth = Math.max(0, ...view.tasks.map((t) => t.id.length));
  const lines: string[] = [];
  for (const t of view.tasks) {
    if (seen.get(t.id) === t.state) continue;
    seen.set(t.id, t.state);
    const line = formatTaskEvent(t, idWidth, paint);
    if (line !== undefined) lines.push(line);
  }
  return lines;
}

function counts(view: RunView): string {
  const done = view.tasks.filter((t) => t.state !== 'pending' && t.state !== 'running').length;
  const running = view.tasks.filter((t) => t.state === 'running').length;
  const failed = view.tasks.filter((t) => t.state === 'failed').length;
  return [`${done}/${view.tasks.length} done`, running > 0 ? `${running} running` : '', failed > 0 ? `${failed} failed` : '']
    .filter(Boolean)
    .join(' · ');
}

/**
 * The live block a terminal shows while waiting: a summary line and one short line per task,
 * at most `maxLines` lines of at most `width` columns, so a redraw never scrolls or wraps
 * (either would break redrawing by moving the cursor up).
 */
export function formatLiveStatus(view: RunView, now: number, maxLines: number, paint: Painter = plain, width = Infinity): string[] {
  // Cut before painting: escape codes take no columns but would count as characters.
  const fit = (text: string, used: number): string => (Number.isFinite(width) ? truncate(text, Math.max(1, width - used)) : text);
  const dagId = fit(view.dagId, 0);
  const head = `${paint('bold', dagId)}${fit(`  ${view.status} · ${counts(view)} · ${runDuration(view, now)}`, dagId.length)}`;
  const idWidth = Math.max(0, ...view.tasks.map((t) => t.id.length));
  const line = (t: TaskView): string => {
    const detail = t.mapped ? `${t.mapped.succeeded}/${t.mapped.total}` : formatDuration(elapsedMs(t.startedAt, t.endedAt, now) ?? NaN);
    return `  ${symbol(t.state, paint)}${fit(` ${t.id.padEnd(idWidth)}  ${detail}`.trimEnd(), 3)}`;
  };
  const room = Math.max(1, maxLines - 1);
  if (view.tasks.length <= room) return [head, ...view.tasks.map(line)];
  // Too many tasks for the screen: show what is active or broken, then a count of the rest.
  const shown = view.tasks.filter((t) => t.state === 'running' || t.state === 'failed').slice(0, Math.max(0, room - 1));
  return [head, ...shown.map(line), `  … ${view.tasks.length - shown.length} more`];
}

/**
 * One vocabulary for run states in every command: `runs list` reads Temporal's execution status,
 * `runs show` the engine's RunStatus; both print the engine's words (`success`, not `completed`).
 */
const STATUS_WORDS: Record<string, string> = {
  RUNNING: 'running',
  CONTINUED_AS_NEW: 'running',
  COMPLETED: 'success',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'terminated',
  TIMED_OUT: 'timed out',
};
export function runStatusWord(temporalStatus: string): string {
  return STATUS_WORDS[temporalStatus] ?? temporalStatus.toLowerCase().replace(/_/g, ' ');
}
