/**
 * A re-run from failure in its run manifest: `manifest/retry-of.json` names the original run,
 * and each task whose output the retry reused gets a task entry with `cached` (its origin) and
 * the artifacts that output references, so the manifest lists every artifact the run stands on.
 */
import { putDoc } from '../documents';
import { manifestDir, recordTask, type RunIdentity } from './manifest';
import type { ArtifactRef, ArtifactStore } from './types';

export interface RetryLineage {
  retryOf: { workflowId: string; runId: string };
  /** The task the retry re-ran from, when one was named. */
  from?: string;
  reused: { taskId: string; cached: { via: 'retry'; workflowId: string; runId: string }; artifacts: ArtifactRef[] }[];
}

export async function recordRetryLineage(s: ArtifactStore, run: RunIdentity, lineage: RetryLineage, at = new Date()): Promise<void> {
  const when = at.toISOString();
  await putDoc(s, `${manifestDir(s, run.dagId, run.workflowId)}retry-of.json`, { runId: run.runId, ...lineage }, {});
  for (const r of lineage.reused) {
    await recordTask(s, run, {
      taskId: r.taskId,
      attempt: 0,
      status: 'success',
      startedAt: when,
      endedAt: when,
      durationMs: 0,
      read: [],
      wrote: r.artifacts,
      cached: r.cached,
    });
  }
}
