/**
 * Tideflow's own durable record of which logical dates ran, and how they ended, independent of
 * Temporal's retention: after the namespace retention Temporal forgets a run, but backfill must
 * still know that its date already succeeded (issue 14.5).
 *
 * One empty-bodied marker object per run and state, keyed so that one listing answers a page of
 * dates without a GET per run:
 *
 *   <prefix>runs-by-date/<dagId>/<logical date ISO>/<workflowId>/<runId>.<started|success|failed>
 *
 * `started` is written with the run's first task manifest entry, `success`/`failed` by the run
 * itself when it ends. ISO instants of one format sort as text in time order, so a range of
 * dates is a contiguous stretch of keys.
 */
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { validateKey } from './artifacts/keys';
import type { ArtifactStore } from './artifacts/types';

export const RUN_MARKS = ['started', 'success', 'failed'] as const;
export type RunMark = (typeof RUN_MARKS)[number];

export interface RunMarkKey {
  dagId: string;
  workflowId: string;
  runId: string;
  logicalDate: string;
}

/** What the markers say about one logical date: its latest run's outcome ('started': it ran, never recorded an end). */
export interface RecordedRun {
  state: RunMark;
  runId: string;
  /** When its first marker was written: the order between runs of the same date. */
  at: number;
}

const dagDir = (s: ArtifactStore, dagId: string): string => `${validateKey(`${s.prefix}runs-by-date/${dagId}`)}/`;

/** The logical date as the markers spell it (what toISOString gives), whatever offset the caller used. */
function isoOf(logicalDate: string): string {
  const t = Date.parse(logicalDate);
  if (Number.isNaN(t)) throw new Error(`run marker: '${logicalDate}' is not an ISO-8601 instant`);
  return new Date(t).toISOString();
}

export function runMarkKey(s: ArtifactStore, run: RunMarkKey, mark: RunMark): string {
  // Workflow ids may hold '/', which would split the key differently: encoded, one segment each.
  return validateKey(
    `${dagDir(s, run.dagId)}${isoOf(run.logicalDate)}/${encodeURIComponent(run.workflowId)}/${encodeURIComponent(run.runId)}.${mark}`,
  );
}

/** Idempotent: writing the same marker twice changes nothing that readers look at. */
export async function markRun(s: ArtifactStore, run: RunMarkKey, mark: RunMark): Promise<void> {
  await s.s3.send(
    new PutObjectCommand({
      Bucket: s.bucket,
      Key: runMarkKey(s, run, mark),
      Body: new Uint8Array(0),
      ContentType: 'application/octet-stream',
    }),
  );
}

/** Per run: its markers, by logical date. */
type Found = Map<string, Map<string, { marks: Set<RunMark>; at: number }>>;

function finalState(marks: Set<RunMark>): RunMark {
  if (marks.has('success')) return 'success';
  if (marks.has('failed')) return 'failed';
  return 'started';
}

/**
 * The recorded latest run of each given date (dates without any marker are absent). One
 * listing over the range [earliest, latest] of the dates, stopped as soon as it passes it.
 */
export async function recordedRuns(s: ArtifactStore, dagId: string, logicalDates: readonly string[]): Promise<Map<string, RecordedRun>> {
  const result = new Map<string, RecordedRun>();
  if (logicalDates.length === 0) return result;
  const wanted = new Set(logicalDates.map(isoOf));
  const sorted = [...wanted].sort();
  const first = sorted[0] as string;
  const last = sorted[sorted.length - 1] as string;
  const dir = dagDir(s, dagId);
  const found: Found = new Map();
  let token: string | undefined;
  scan: do {
    const res = await s.s3.send(
      new ListObjectsV2Command({
        Bucket: s.bucket,
        Prefix: dir,
        ...(token === undefined ? { StartAfter: `${dir}${first}` } : { ContinuationToken: token }),
      }),
    );
    for (const o of res.Contents ?? []) {
      if (o.Key === undefined) continue;
      const [date, workflowId, file] = o.Key.slice(dir.length).split('/');
      if (date === undefined || workflowId === undefined || file === undefined) continue;
      if (date > last) break scan;
      if (!wanted.has(date)) continue;
      const dot = file.lastIndexOf('.');
      const mark = file.slice(dot + 1) as RunMark;
      if (dot < 0 || !RUN_MARKS.includes(mark)) continue;
      const runs = found.get(date) ?? new Map<string, { marks: Set<RunMark>; at: number }>();
      found.set(date, runs);
      const id = `${workflowId}/${file.slice(0, dot)}`;
      const run = runs.get(id) ?? { marks: new Set<RunMark>(), at: Number.POSITIVE_INFINITY };
      runs.set(id, run);
      run.marks.add(mark);
      run.at = Math.min(run.at, o.LastModified?.getTime() ?? 0);
    }
    token = res.IsTruncated ? res.NextContinuationToken : undefined;
  } while (token !== undefined);
  for (const [date, runs] of found) {
    let latest: RecordedRun | undefined;
    for (const [id, run] of runs) {
      if (latest && latest.at > run.at) continue;
      latest = { state: finalState(run.marks), runId: decodeURIComponent(id.slice(id.lastIndexOf('/') + 1)), at: run.at };
    }
    if (latest) result.set(date, latest);
  }
  return result;
}
