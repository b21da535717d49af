/**
 * Re-run from failure, the worker's side (workflows/reuse.ts calls these):
 * - tideflowResolveRetry: the original run's summary, read from Temporal with the worker's
 *   client (its result, or its failure's details), with every artifact a successful task's
 *   output references (outputs offloaded to S3, datasets, models…) read back and checked
 *   against its sha256: a task whose artifacts are gone or changed is not reused but re-run.
 * - tideflowRecordRetryLineage: the lineage in the new run's manifest.
 * - tideflowBackfillFailedRuns: for `backfill --resume`, the failed run of each date to retry.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { backfillRunId } from '../core/backfill-plan';
import { LOGICAL_DATE_KEY } from '../core/search-attributes';
import { openArtifact } from '../storage/artifacts/download';
import { ArtifactCorruptedError, MissingArtifactError } from '../storage/artifacts/errors';
import type { RunIdentity } from '../storage/artifacts/manifest';
import { recordRetryLineage, type RetryLineage } from '../storage/artifacts/retry-lineage';
import type { ArtifactRef, ArtifactStore } from '../storage/artifacts/types';
import { originalRunOf, readRunSummary, RetryError } from '../client/retry';
import type { OriginalRun, RetryOrigin } from '../workflows/retry-plan';
import { findArtifactRefs } from './record-run';
import { outputsFromHistory } from './retry-history';

export interface ResolveRetryInput {
  dagId: string;
  workflowId: string;
  runId?: string;
}

/** Why the artifact cannot be reused, or undefined when it reads back with its sha256. */
async function artifactProblem(store: ArtifactStore, ref: ArtifactRef): Promise<string | undefined> {
  try {
    const stream = await openArtifact(store, ref, { onProgress: () => Context.current().heartbeat() });
    for await (const _chunk of stream) {
      // Read to the end: the verifier fails the stream on a size or sha256 mismatch.
    }
    return undefined;
  } catch (err) {
    if (err instanceof MissingArtifactError || err instanceof ArtifactCorruptedError) return err.message;
    throw err;
  }
}

async function resolveRetry(store: ArtifactStore, input: ResolveRetryInput): Promise<OriginalRun> {
  const client = Context.current().client;
  let summary;
  try {
    summary = await readRunSummary(client, input.workflowId, input.runId);
  } catch (err) {
    if (err instanceof RetryError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidRetry');
    throw err;
  }
  if (summary.dagId !== input.dagId)
    throw ApplicationFailure.nonRetryable(
      `run '${input.workflowId}' is a run of DAG '${summary.dagId}', not of '${input.dagId}': a retry runs the same DAG`,
      'InvalidRetry',
    );
  const original = originalRunOf(summary);
  // Outputs too large for the summary: from the run's history instead.
  const omitted = new Set(original.tasks.filter((t) => t.outputOmitted).map((t) => t.id));
  const fromHistory = await outputsFromHistory(client, summary.workflowId, summary.runId, omitted);
  for (const t of original.tasks) {
    if (!fromHistory.has(t.id)) continue;
    t.output = fromHistory.get(t.id);
    delete t.outputOmitted;
  }
  const unusable: Record<string, string> = {};
  const artifacts: Record<string, ArtifactRef[]> = {};
  for (const t of original.tasks) {
    if (t.state !== 'success' || t.output === undefined) continue;
    artifacts[t.id] = findArtifactRefs(t.output);
    for (const ref of artifacts[t.id] ?? []) {
      const problem = await artifactProblem(store, ref);
      if (problem !== undefined) {
        unusable[t.id] = `output not reusable: ${problem}`;
        break;
      }
    }
  }
  return { ...original, unusable, artifacts };
}

export interface RecordRetryInput {
  run: RunIdentity;
  retryOf: RetryOrigin;
  from?: string;
  reused: RetryLineage['reused'];
}

export interface FailedRunsInput {
  dagId: string;
  logicalDates: string[];
}

/** The newest failed run of each date (the backfill's own id first, then any run of that date), or null. */
async function failedRuns(client: Client, input: FailedRunsInput): Promise<(RetryOrigin | null)[]> {
  const found = new Map<string, RetryOrigin & { at: number }>();
  const keep = (date: string, o: RetryOrigin, at: number): void => {
    const seen = found.get(date);
    if (!seen || at > seen.at) found.set(date, { ...o, at });
  };
  for (const date of input.logicalDates) {
    try {
      const d = await client.workflow.getHandle(backfillRunId(input.dagId, date)).describe();
      if (d.status.name === 'FAILED') keep(date, { workflowId: d.workflowId, runId: d.runId }, d.startTime.getTime());
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    Context.current().heartbeat(date);
  }
  const wanted = new Set(input.logicalDates.map((d) => new Date(d).toISOString()));
  const times = input.logicalDates.map((d) => Date.parse(d));
  const rfc3339 = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  if (times.length > 0) {
    const query =
      `TideflowDag = '${input.dagId.replace(/'/g, "\\'")}' AND ExecutionStatus = 'Failed' AND ` +
      `TideflowLogicalDate >= '${rfc3339(Math.min(...times))}' AND TideflowLogicalDate < '${rfc3339(Math.max(...times) + 1000)}'`;
    for await (const w of client.workflow.list({ query })) {
      const at = w.typedSearchAttributes.get(LOGICAL_DATE_KEY);
      const key = at instanceof Date ? at.toISOString() : undefined;
      if (key !== undefined && wanted.has(key)) keep(key, { workflowId: w.workflowId, runId: w.runId }, w.startTime.getTime());
    }
  }
  return input.logicalDates.map((d) => {
    const o = found.get(new Date(d).toISOString()) ?? found.get(d);
    return o ? { workflowId: o.workflowId, runId: o.runId } : null;
  });
}

export function retryActivities(store: ArtifactStore) {
  return {
    tideflowResolveRetry: (input: ResolveRetryInput): Promise<OriginalRun> => resolveRetry(store, input),
    async tideflowRecordRetryLineage(input: RecordRetryInput): Promise<void> {
      const lineage: RetryLineage = {
        retryOf: input.retryOf,
        ...(input.from !== undefined && { from: input.from }),
        reused: input.reused,
      };
      await recordRetryLineage(store, input.run, lineage);
    },
    tideflowBackfillFailedRuns: (input: FailedRunsInput): Promise<(RetryOrigin | null)[]> => failedRuns(Context.current().client, input),
  };
}
export type RetryActivities = ReturnType<typeof retryActivities>;
