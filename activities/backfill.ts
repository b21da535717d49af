/**
 * The backfill workflow's one activity: what runs each logical date already has. Workflows
 * cannot call the client, so this runs on the worker with the worker's own client.
 *
 * Temporal first: describe of the deterministic backfill run id (strongly consistent), and a
 * visibility query over the page's dates for runs started any other way (schedule, manual
 * trigger), found by the TideflowDag / TideflowLogicalDate search attributes. Temporal forgets
 * runs after the namespace retention, so a date Temporal knows nothing about is looked up in
 * Tideflow's own record in S3 (storage/run-dates.ts): a date that ran long ago is still known.
 * When Temporal knows some run of a date, it decides: what it knows is the newest (retention
 * deletes the oldest first).
 */
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { backfillRunId, countDates, parseRange, type ExistingRun } from '../core/backfill-plan';
import type { ScheduleSpec } from '../core/model';
import type { ArtifactStore } from '../storage/artifacts/types';
import { recordedRuns, type RunMark } from '../storage/run-dates';
import { LOGICAL_DATE_KEY } from '../core/search-attributes';

export interface CheckRunsInput {
  dagId: string;
  logicalDates: string[];
}

interface Seen {
  status: ExistingRun;
  startedAt: number;
}

function statusOf(name: string): ExistingRun {
  if (name === 'RUNNING' || name === 'CONTINUED_AS_NEW') return 'running';
  if (name === 'COMPLETED') return 'succeeded';
  return 'failed';
}

/** Running wins; otherwise the latest run's outcome counts. */
function merge(a: Seen | undefined, b: Seen): Seen {
  if (!a) return b;
  if (a.status === 'running') return a;
  if (b.status === 'running') return b;
  return b.startedAt >= a.startedAt ? b : a;
}

async function describeBackfillRuns(client: Client, dagId: string, dates: readonly string[], seen: Map<string, Seen>): Promise<void> {
  const batch = 16;
  for (let i = 0; i < dates.length; i += batch) {
    await Promise.all(
      dates.slice(i, i + batch).map(async (date) => {
        try {
          const d = await client.workflow.getHandle(backfillRunId(dagId, date)).describe();
          seen.set(date, merge(seen.get(date), { status: statusOf(d.status.name), startedAt: d.startTime.getTime() }));
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
      }),
    );
    Context.current().heartbeat(i);
  }
}

async function listOtherRuns(client: Client, dagId: string, dates: readonly string[], seen: Map<string, Seen>): Promise<void> {
  const times = dates.map((d) => Date.parse(d));
  // Whole seconds, RFC 3339 without millis: the SQLite visibility store compares them as text.
  const rfc3339 = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const min = rfc3339(Math.min(...times));
  const beyond = rfc3339(Math.max(...times) + 1000);
  const wanted = new Set(dates);
  const query = `TideflowDag = '${dagId.replace(/'/g, "\\'")}' AND TideflowLogicalDate >= '${min}' AND TideflowLogicalDate < '${beyond}'`;
  for await (const w of client.workflow.list({ query })) {
    const at = w.typedSearchAttributes.get(LOGICAL_DATE_KEY);
    const key = at instanceof Date ? at.toISOString() : undefined;
    if (key === undefined || !wanted.has(key)) continue;
    seen.set(key, merge(seen.get(key), { status: statusOf(w.status.name), startedAt: w.startTime.getTime() }));
  }
}

/** A run that recorded a start but no end was terminated, cancelled or timed out: as Temporal reports those, failed. */
const RECORDED: Record<RunMark, ExistingRun> = { success: 'succeeded', failed: 'failed', started: 'failed' };

/** One status per given date, in order. */
async function checkRuns(store: ArtifactStore, input: CheckRunsInput): Promise<ExistingRun[]> {
  if (input.logicalDates.length === 0) return [];
  const client = Context.current().client;
  const seen = new Map<string, Seen>();
  await describeBackfillRuns(client, input.dagId, input.logicalDates, seen);
  await listOtherRuns(client, input.dagId, input.logicalDates, seen);
  const forgotten = input.logicalDates.filter((d) => !seen.has(d));
  const recorded = await recordedRuns(store, input.dagId, forgotten);
  return input.logicalDates.map((d) => {
    const known = seen.get(d)?.status;
    if (known !== undefined) return known;
    const r = recorded.get(new Date(d).toISOString());
    return r ? RECORDED[r.state] : 'none';
  });
}

/** How many logical dates a range has: cron walking over 26k dates takes seconds, too long for a workflow task. */
export async function tideflowBackfillCountDates(input: { schedule: ScheduleSpec; from: string; to: string }): Promise<number> {
  const range = parseRange(input.from, input.to);
  return typeof range === 'string' ? 0 : countDates(input.schedule, range);
}

/** The worker's backfill activities, reading Tideflow's run record from the worker's store. */
export function backfillActivities(store: ArtifactStore) {
  return {
    tideflowBackfillCheckRuns: (input: CheckRunsInput): Promise<ExistingRun[]> => checkRuns(store, input),
    tideflowBackfillCountDates,
  };
}
export type BackfillActivities = ReturnType<typeof backfillActivities>;
