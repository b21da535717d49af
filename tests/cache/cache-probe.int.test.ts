/**
 * The cache probe on the real servers (workflows/cache-probe.ts, activities/cache/probe.ts): a
 * verified hit settles the task inside the workflow task, without scheduling its activity; a
 * miss, a deleted or corrupted artifact, an entry over the byte budget, a probe past its deadline
 * (the worker's or the workflow's 5 s) all fall back to the activity as before, which looks up or
 * computes by itself; a refresh run does not probe. Replay: the history of a run with the probe
 * (hits and a fallback) and one recorded before the probe existed both replay against the current
 * workflow code. Re-record the former with TIDEFLOW_RECORD_HISTORIES=cache-probe.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { temporal } from '@temporalio/proto';
import { historyFromJSON, historyToJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { formatRun } from '../../cli/format-run';
import { CACHE_PROBE_ACTIVITY, type CacheProbeResult } from '../../core/cache-probe';
import type { DagDefinition } from '../../core/model';
import type { RunView } from '../../core/run-view';
import { readRunManifest } from '../../storage/artifacts/manifest';
import { parseS3Uri } from '../../storage/s3-uri';
import { CACHE_PROBE_PATCH } from '../../workflows/cache-probe';
import { cacheBigUpstream, cacheMapped, cachePipeline, cacheSlowProbe } from '../fixtures/cache-dags';
import { taskOf, testWorkflowBundle, useHarnessWithWorker } from '../integration/harness';
import { cacheRuns, type CacheRun } from './cache-runs';

type History = temporal.api.history.v1.IHistory;
const HISTORIES = join(__dirname, '../histories');
const PROBE_HISTORY = join(HISTORIES, 't_cache@cache-probe.json');
const BEFORE_PROBE_HISTORY = join(HISTORIES, 't_cache@before-cache-probe.json');

const h = useHarnessWithWorker('cache-probe');
const runs = cacheRuns(h, 'probe');
const { tag, computed } = runs;

/** A run that must succeed, with its history (which activities were scheduled, which probes made). */
async function run(dag: DagDefinition, params: Record<string, unknown>, noCache = false): Promise<CacheRun & { history: History }> {
  const r = await runs.run(dag, params, noCache);
  return { ...r, history: await r.handle.fetchHistory() };
}

/** With a worker environment variable set (the in-process worker reads it at each probe). */
async function withEnv<T>(name: string, value: string, fn: () => Promise<T>): Promise<T> {
  const before = process.env[name];
  process.env[name] = value;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  }
}

/** Tasks whose activity was scheduled on the server. */
const scheduled = (history: History): string[] =>
  (history.events ?? []).flatMap((e) => {
    const id = e.activityTaskScheduledEventAttributes?.activityId;
    return id ? [id] : [];
  });

const json = (bytes: Uint8Array | null | undefined): unknown => (bytes ? JSON.parse(Buffer.from(bytes).toString('utf8')) : undefined);

/** The probes the run made: each one's answer, or the failure the workflow saw (a timeout). */
function probes(history: History): { result?: CacheProbeResult; failed?: string }[] {
  return (history.events ?? []).flatMap((e) => {
    const m = e.markerRecordedEventAttributes;
    if (m?.markerName !== 'core_local_activity') return [];
    const data = json(m.details?.['data']?.payloads?.[0]?.data) as { activity_type?: string } | undefined;
    if (data?.activity_type !== CACHE_PROBE_ACTIVITY) return [];
    const result = json(m.details?.['result']?.payloads?.[0]?.data) as CacheProbeResult | undefined;
    return [result !== undefined ? { result } : { failed: m.failure?.message ?? 'failed' }];
  });
}

const hits = (history: History) => probes(history).filter((p) => p.result && 'hit' in p.result).length;
const misses = (history: History) =>
  probes(history).flatMap((p) => (p.result && 'miss' in p.result ? [p.result.miss] : p.failed !== undefined ? ['failed'] : []));

describe('hits', () => {
  it('an identical re-run settles cached tasks through the probe: no activity scheduled, shown as cached', async () => {
    const params = { text: `hit-${tag}` };
    const first = await run(cachePipeline, params);
    expect(computed(first.workflowId)).toEqual(['fresh', 'read', 'write']);
    expect(misses(first.history)).toEqual(['absent', 'absent']);
    expect(scheduled(first.history).sort()).toEqual(['fresh', 'read', 'write']);

    const second = await run(cachePipeline, params);
    expect(computed(second.workflowId)).toEqual(['fresh']);
    expect(hits(second.history)).toBe(2);
    // Only the uncached task reached the server as an activity.
    expect(scheduled(second.history)).toEqual(['fresh']);
    const from = { via: 'cache', workflowId: first.workflowId, runId: first.view.runId };
    expect(taskOf(second.view, 'write').cached).toEqual(from);
    expect(taskOf(second.view, 'read').cached).toEqual(from);
    expect(taskOf(second.view, 'read').output).toEqual(taskOf(first.view, 'read').output);
    expect(formatRun(second.view)).toContain(`cached (from ${first.workflowId})`);
    const live = await h.client.workflow.getHandle(second.workflowId).query<RunView>('state');
    expect(taskOf(live, 'read').cached?.workflowId).toBe(first.workflowId);
    const manifest = await readRunManifest(h.store, 't_cache', second.workflowId);
    expect(manifest?.tasks.find((t) => t.taskId === 'write')?.cached).toEqual(from);
    expect(manifest?.tasks.find((t) => t.taskId === 'read')?.cached).toEqual(from);
  });
});

describe('fan-outs and upstream outputs by reference', () => {
  it('every instance of a cached fan-out hits through the probe; the local task looks up by itself', async () => {
    const items = [2, 7, Date.now() % 1000];
    await run(cacheMapped, { items });
    const second = await run(cacheMapped, { items });
    expect(computed(second.workflowId)).toEqual([]);
    expect(hits(second.history)).toBe(items.length);
    expect(scheduled(second.history)).toEqual([]);
    expect(taskOf(second.view, 'square').output).toEqual(items.map((x) => x * x));
    expect(taskOf(second.view, 'square').cached).toBeDefined();
    expect(taskOf(second.view, 'list').cached).toBeDefined();
  });

  it('an upstream output passed by reference is resolved within the byte budget, and counts against it', async () => {
    const params = { tag: `big-${tag}` };
    const first = await run(cacheBigUpstream, params);
    expect(computed(first.workflowId)).toEqual(['big', 'measure']);
    const second = await run(cacheBigUpstream, params);
    expect(hits(second.history)).toBe(1);
    expect(scheduled(second.history)).toEqual(['big']);
    expect(taskOf(second.view, 'measure').output).toBe(300_000);
    expect(taskOf(second.view, 'measure').cached?.workflowId).toBe(first.workflowId);
    // A budget smaller than the 300 KB upstream output: the probe does not download it; the activity hits.
    const third = await withEnv('TIDEFLOW_CACHE_PROBE_MAX_BYTES', '100000', () => run(cacheBigUpstream, params));
    expect(misses(third.history)).toEqual(['budget']);
    expect(scheduled(third.history).sort()).toEqual(['big', 'measure']);
    expect(computed(third.workflowId)).toEqual(['big']);
    expect(taskOf(third.view, 'measure').cached?.workflowId).toBe(first.workflowId);
  });
});

describe('fallbacks: the activity runs as before', () => {
  it('a miss (a changed param) schedules the activity, which computes; the hit next to it does not', async () => {
    const params = { text: `miss-${tag}` };
    await run(cachePipeline, params);
    const changed = await run(cachePipeline, { ...params, suffix: '?' });
    expect(hits(changed.history)).toBe(1);
    expect(misses(changed.history)).toEqual(['absent']);
    expect(scheduled(changed.history).sort()).toEqual(['fresh', 'read']);
    expect(computed(changed.workflowId)).toEqual(['fresh', 'read']);
    expect((taskOf(changed.view, 'read').output as { text: string }).text).toBe(`miss-${tag}?`);
    if (process.env['TIDEFLOW_RECORD_HISTORIES'] === 'cache-probe') writeFileSync(PROBE_HISTORY, historyToJSON(changed.history));
  });

  const artifactOf = (view: RunView, task: string) => (taskOf(view, task).output as { artifact: { uri: string } }).artifact;

  it('a deleted cached artifact: the probe misses, the activity recomputes', async () => {
    const params = { text: `deleted-${tag}` };
    const first = await run(cachePipeline, params);
    const { bucket, key } = parseS3Uri(artifactOf(first.view, 'write').uri);
    await h.store.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    const second = await run(cachePipeline, params);
    expect(misses(second.history)).toContain('artifacts');
    expect(scheduled(second.history)).toContain('write');
    expect(computed(second.workflowId)).toContain('write');
    expect(taskOf(second.view, 'write').cached).toBeUndefined();
    // The recomputed artifact has the same content: read's entry is still a verified hit.
    expect(taskOf(second.view, 'read').cached?.workflowId).toBe(first.workflowId);
  });

  it('a corrupted cached artifact (sha256 mismatch): the probe misses, the activity recomputes the right answer', async () => {
    const params = { text: `corrupt-${tag}` };
    const first = await run(cachePipeline, params);
    const { bucket, key } = parseS3Uri(artifactOf(first.view, 'read').uri);
    await h.store.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify({ text: 'tampered' }) }));
    const second = await run(cachePipeline, params);
    expect(hits(second.history)).toBe(1);
    expect(misses(second.history)).toEqual(['artifacts']);
    expect(computed(second.workflowId)).toEqual(['fresh', 'read']);
    expect((taskOf(second.view, 'read').output as { text: string }).text).toBe(`corrupt-${tag}!`);
  });

  it('over the byte budget: the probe does not verify, the activity hits by itself', async () => {
    const params = { text: `budget-${tag}` };
    const first = await run(cachePipeline, params);
    const second = await withEnv('TIDEFLOW_CACHE_PROBE_MAX_BYTES', '10', () => run(cachePipeline, params));
    expect(misses(second.history)).toEqual(['budget', 'budget']);
    expect(scheduled(second.history).sort()).toEqual(['fresh', 'read', 'write']);
    expect(computed(second.workflowId)).toEqual(['fresh']);
    expect(taskOf(second.view, 'write').cached?.workflowId).toBe(first.workflowId);
  });

  it("a refresh run (--no-cache, input cache: 'refresh') does not probe", async () => {
    const params = { text: `refresh-${tag}` };
    await run(cachePipeline, params);
    const refreshed = await run(cachePipeline, params, true);
    expect(probes(refreshed.history)).toEqual([]);
    expect(computed(refreshed.workflowId)).toEqual(['fresh', 'read', 'write']);
    const next = await run(cachePipeline, params);
    expect(hits(next.history)).toBe(2);
    expect(taskOf(next.view, 'write').cached?.workflowId).toBe(refreshed.workflowId);
  });

  it("past the worker's deadline (TIDEFLOW_CACHE_PROBE_TIMEOUT_MS) the probe answers a miss; the activity hits", async () => {
    const params = { text: `deadline-${tag}`, probeDelayMs: 2000 };
    const first = await run(cacheSlowProbe, params, true);
    const second = await withEnv('TIDEFLOW_CACHE_PROBE_TIMEOUT_MS', '200', () => run(cacheSlowProbe, params));
    expect(misses(second.history)).toEqual(['timeout']);
    expect(scheduled(second.history)).toEqual(['slow']);
    expect(computed(second.workflowId)).toEqual([]);
    expect(taskOf(second.view, 'slow').cached?.workflowId).toBe(first.workflowId);
  });

  it('a probe that does not answer within 5 s times out in the workflow; the activity hits', async () => {
    const params = { text: `timeout-${tag}`, probeDelayMs: 8000 };
    const first = await run(cacheSlowProbe, params, true);
    const started = Date.now();
    const second = await withEnv('TIDEFLOW_CACHE_PROBE_TIMEOUT_MS', '30000', () => run(cacheSlowProbe, params));
    expect(Date.now() - started).toBeGreaterThanOrEqual(5000);
    expect(misses(second.history)).toEqual(['failed']);
    expect(scheduled(second.history)).toEqual(['slow']);
    expect(computed(second.workflowId)).toEqual([]);
    expect(taskOf(second.view, 'slow').cached?.workflowId).toBe(first.workflowId);
  }, 60_000);
});

describe('replay', () => {
  const replay = async (history: History, id: string) =>
    Worker.runReplayHistory({ workflowBundle: await testWorkflowBundle() }, history, id);
  const committed = (file: string): History => historyFromJSON(JSON.parse(readFileSync(file, 'utf8')));
  const patches = (history: History): string[] =>
    (history.events ?? []).flatMap((e) => {
      const m = e.markerRecordedEventAttributes;
      const data = m?.markerName === 'core_patch' ? (json(m.details?.['patch-data']?.payloads?.[0]?.data) as { id?: string }) : undefined;
      return data?.id ? [data.id] : [];
    });

  it('a fresh history with probe hits and a fallback replays', async () => {
    const params = { text: `replay-${tag}` };
    await run(cachePipeline, params);
    const mixed = await run(cachePipeline, { ...params, suffix: '?' });
    expect(hits(mixed.history)).toBe(1);
    await replay(mixed.history, mixed.workflowId);
  });

  it('the committed history of a run with the probe replays', async () => {
    expect(existsSync(PROBE_HISTORY), 'record it: TIDEFLOW_RECORD_HISTORIES=cache-probe').toBe(true);
    const history = committed(PROBE_HISTORY);
    expect(patches(history)).toContain(CACHE_PROBE_PATCH);
    expect(hits(history)).toBe(1);
    expect(misses(history)).toEqual(['absent']);
    await replay(history, 't_cache-probe-committed');
  });

  it('a history recorded before the probe (cached activities scheduled at once) still replays', async () => {
    const history = committed(BEFORE_PROBE_HISTORY);
    expect(probes(history)).toEqual([]);
    expect(scheduled(history).sort()).toEqual(['fresh', 'read', 'write']);
    await replay(history, 't_cache-before-probe-committed');
  });
});
