/**
 * Starting and following backfills from outside a workflow (CLI, schedule sync's catchup,
 * tests, benchmark). The work itself is the durable `tideflowBackfill` workflow.
 */
import type { BackfillInput } from '../core/backfill-input';
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { latestCompletedInterval } from '../core/intervals';
import { fromWall, toWall } from '../core/wall-time';
import { backfillWorkflowId, catchupWorkflowId, parseRange, type BackfillProgress } from '../core/backfill-plan';
import type { DagDefinition } from '../core/model';
import { DAG_KEY } from '../core/search-attributes';
import { checkParams } from './runs';

export const BACKFILL_WORKFLOW = 'tideflowBackfill';

export class BackfillError extends Error {
  override name = 'BackfillError';
}

export interface BackfillOptions extends Omit<BackfillInput, 'dagId' | 'carry'> {
  taskQueue: string;
  /** Default: one id per DAG and range (a second identical backfill is refused while the first runs). */
  workflowId?: string;
}

const BARE_DATE = /^\d{4}-\d{2}-\d{2}$/;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The first instant of a calendar day in `tz` (the earlier one if midnight repeats in a fold). */
function startOfDay(day: string, tz: string): Date | undefined {
  const midnight = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(midnight) || new Date(midnight).toISOString().slice(0, 10) !== day) return undefined;
  const t = fromWall(new Date(midnight), tz);
  const earlier = new Date(t.getTime() - HOUR);
  return toWall(earlier, tz).toISOString().slice(0, 10) === day ? earlier : t;
}

/**
 * A bare date is the whole day in the DAG's timezone, at both ends (Airflow's backfill bounds):
 * `--to 2001-06-30` includes a 03:00 run on the 30th. Instants are kept as given; anything
 * else is left for parseRange to reject.
 */
export function resolveRangeBounds(dag: DagDefinition, from: string, to: string): { from: string; to: string } {
  const tz = dag.schedule?.timezone ?? 'UTC';
  const day = (value: string, which: 'from' | 'to'): Date | undefined => {
    if (!BARE_DATE.test(value)) return undefined;
    const start = startOfDay(value, tz);
    if (!start) throw new BackfillError(`'${which}' is not a calendar date: '${value}'`);
    return start;
  };
  const first = day(from, 'from');
  const last = day(to, 'to');
  const next = last && startOfDay(new Date(Date.parse(`${to}T00:00:00Z`) + DAY).toISOString().slice(0, 10), tz);
  return {
    from: first ? first.toISOString() : from,
    to: next ? new Date(next.getTime() - 1).toISOString() : to,
  };
}

/** Everything checkable locally, checked before anything starts. */
export function backfillInput(dag: DagDefinition, o: Omit<BackfillOptions, 'taskQueue' | 'workflowId'>): BackfillInput {
  if (!dag.schedule)
    throw new BackfillError(
      `DAG '${dag.id}' has no schedule, so it has no logical dates to backfill (use 'tideflow trigger ${dag.id} --logical-date …')`,
    );
  const bounds = resolveRangeBounds(dag, o.from, o.to);
  const range = parseRange(bounds.from, bounds.to);
  if (typeof range === 'string') throw new BackfillError(range);
  if (o.maxActive !== undefined && (!Number.isInteger(o.maxActive) || o.maxActive < 1))
    throw new BackfillError(`max-active must be a positive integer, got ${o.maxActive}`);
  checkParams(dag, o.params);
  if (o.resume && (o.reprocess ?? 'none') === 'none')
    throw new BackfillError(`resume re-runs failed dates as retries of their failed run: use it with reprocess 'failed' (or 'completed')`);
  return {
    dagId: dag.id,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    reprocess: o.reprocess ?? 'none',
    ...(o.maxActive !== undefined && { maxActive: o.maxActive }),
    backwards: o.backwards ?? false,
    dryRun: o.dryRun ?? false,
    ...(o.resume && { resume: true }),
    params: o.params ?? {},
    ...(o.pageSize !== undefined && { pageSize: o.pageSize }),
  };
}

export async function startBackfill(client: Client, dag: DagDefinition, o: BackfillOptions): Promise<WorkflowHandle> {
  const input = backfillInput(dag, o);
  const workflowId =
    o.workflowId ??
    (o.dryRun
      ? `${backfillWorkflowId(dag.id, new Date(input.from), new Date(input.to))}__dry-run`
      : backfillWorkflowId(dag.id, new Date(input.from), new Date(input.to)));
  try {
    return await client.workflow.start(BACKFILL_WORKFLOW, {
      taskQueue: o.taskQueue,
      workflowId,
      args: [input],
      typedSearchAttributes: [{ key: DAG_KEY, value: dag.id }],
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new BackfillError(
        `a backfill of '${dag.id}' over this range is already running (workflow id '${workflowId}'); cancel it or wait for it`,
      );
    }
    throw err;
  }
}

export async function backfillProgress(client: Client, workflowId: string): Promise<BackfillProgress> {
  return client.workflow.getHandle(workflowId).query<BackfillProgress>('backfillProgress');
}

/**
 * Catchup (Airflow's catchup=True): when a DAG's schedule is created with a past start date,
 * its missed intervals — every completed one since the start date — run through a backfill.
 * The id is deterministic per DAG and start date, so a second sync never starts a second one.
 * Returns the backfill's workflow id, or undefined when there is nothing to catch up.
 */
export async function startCatchup(client: Client, dag: DagDefinition, taskQueue: string, now = new Date()): Promise<string | undefined> {
  const s = dag.schedule;
  if (!s?.catchup || s.startDate === undefined) return undefined;
  const start = new Date(s.startDate);
  const latest = latestCompletedInterval(s, now).start;
  const end = s.endDate !== undefined && Date.parse(s.endDate) < latest.getTime() ? new Date(s.endDate) : latest;
  if (Number.isNaN(start.getTime()) || start.getTime() > end.getTime()) return undefined;
  const workflowId = catchupWorkflowId(dag.id, start);
  try {
    await client.workflow.start(BACKFILL_WORKFLOW, {
      taskQueue,
      workflowId,
      args: [backfillInput(dag, { from: start.toISOString(), to: end.toISOString(), reprocess: 'none' })],
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      typedSearchAttributes: [{ key: DAG_KEY, value: dag.id }],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
  return workflowId;
}
