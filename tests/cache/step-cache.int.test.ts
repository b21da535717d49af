/**
 * Step caching on the real servers: identical re-runs hit (state, CLI, manifest say `cached (from
 * <run>)`), any changed input or referenced artifact content misses, a deleted or corrupted cached
 * artifact recomputes, concurrent identical keys compute once, an expired lease is taken over,
 * maxAge expires entries, `--no-cache` (input cache: 'refresh') recomputes, `cache ls|clear`.
 */
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import { formatRun } from '../../cli/format-run';
import { waitForRun } from '../../client/runs';
import type { RunView } from '../../core/run-view';
import { readRunManifest } from '../../storage/artifacts/manifest';
import { putJson } from '../../storage/artifacts/objects';
import { parseS3Uri } from '../../storage/s3-uri';
import { cacheLeaseKey, listCacheEntryKeys } from '../../storage/cache-index';
import { getDoc, putDoc } from '../../storage/documents';
import { captureIo } from '../cli/helpers';
import { cacheByRef, cacheMapped, cachePipeline, cacheShortLived } from '../fixtures/cache-dags';
import { taskOf, useHarnessWithWorker } from '../integration/harness';
import { cacheRuns } from './cache-runs';
import { runCliInProcess } from '../cli/in-process';

const h = useHarnessWithWorker('step-cache');
const { tag, run, computed } = cacheRuns(h, 'cache');

const cachedFrom = (view: RunView, task: string) => taskOf(view, task).cached?.workflowId;

describe('hits and misses', () => {
  it('an identical re-run hits every cached task and says where from; cache: false always runs', async () => {
    const params = { text: `hello-${tag}` };
    const first = await run(cachePipeline, params);
    expect(computed(first.workflowId)).toEqual(['fresh', 'read', 'write']);
    expect(taskOf(first.view, 'write').cached).toBeUndefined();

    const second = await run(cachePipeline, params);
    expect(computed(second.workflowId)).toEqual(['fresh']);
    expect(taskOf(second.view, 'write').cached).toEqual({ via: 'cache', workflowId: first.workflowId, runId: first.view.runId });
    expect(cachedFrom(second.view, 'read')).toBe(first.workflowId);
    expect(taskOf(second.view, 'read').state).toBe('success');
    // The recorded output, artifact references included.
    expect(taskOf(second.view, 'read').output).toEqual(taskOf(first.view, 'read').output);
    // The state query, the CLI and the run manifest say so.
    const live = await h.client.workflow.getHandle(second.workflowId).query<RunView>('state');
    expect(taskOf(live, 'write').cached?.workflowId).toBe(first.workflowId);
    expect(formatRun(second.view)).toContain(`cached (from ${first.workflowId})`);
    const io = captureIo({ ...process.env, ...h.env });
    expect(await runCli(['runs', 'show', second.workflowId], io)).toBe(0);
    expect(io.out()).toContain(`cached (from ${first.workflowId})`);
    const manifest = await readRunManifest(h.store, 't_cache', second.workflowId);
    const write = manifest?.tasks.find((t) => t.taskId === 'write');
    expect(write?.cached).toEqual({ via: 'cache', workflowId: first.workflowId, runId: first.view.runId });
  });

  it('property: changing any input byte, param or referenced artifact misses exactly the tasks that read it', async () => {
    const base = { text: `prop-${tag}`, suffix: '!' };
    await run(cachePipeline, base);
    // Every single-character change of the text: write reads it, read reads write's new artifact.
    for (const text of [`prop-${tag}x`, `Prop-${tag}`, `prop_${tag}`]) {
      const r = await run(cachePipeline, { ...base, text });
      expect(computed(r.workflowId), text).toEqual(['fresh', 'read', 'write']);
    }
    // A param only read reads: write hits, read misses.
    const suffixed = await run(cachePipeline, { ...base, suffix: '?' });
    expect(computed(suffixed.workflowId)).toEqual(['fresh', 'read']);
    // A param no task reads (ms only feeds write's input: so it misses; read's artifact is identical content → hit).
    const slower = await run(cachePipeline, { ...base, ms: 1 });
    expect(computed(slower.workflowId)).toEqual(['fresh', 'write']);
    expect(cachedFrom(slower.view, 'read')).toBeDefined();
    // Same again: everything cached.
    const same = await run(cachePipeline, base);
    expect(computed(same.workflowId)).toEqual(['fresh']);
  });

  it('an artifact reference is keyed by content: same URI with new content misses, same content elsewhere hits', async () => {
    const key = `${h.store.prefix}cache-test/${tag}/input.json`;
    const a = await putJson(h.store, key, { text: 'alpha' });
    const first = await run(cacheByRef, { artifact: a });
    expect(computed(first.workflowId)).toEqual(['read']);
    expect(computed((await run(cacheByRef, { artifact: a })).workflowId)).toEqual([]);
    const b = await putJson(h.store, key, { text: 'alphb' }); // same URI, one byte changed
    expect(b.uri).toBe(a.uri);
    const changed = await run(cacheByRef, { artifact: b });
    expect(computed(changed.workflowId)).toEqual(['read']);
    expect((taskOf(changed.view, 'read').output as { text: string }).text).toBe('alphb?');
    const elsewhere = await putJson(h.store, `${h.store.prefix}cache-test/${tag}/copy.json`, { text: 'alphb' });
    const moved = await run(cacheByRef, { artifact: elsewhere });
    expect(computed(moved.workflowId)).toEqual([]);
    expect(cachedFrom(moved.view, 'read')).toBe(changed.workflowId);
  });
});

describe('local tasks and fan-outs', () => {
  it('a cached local task and every instance of a cached fan-out hit on an identical re-run', async () => {
    const items = [3, 1, Date.now() % 1000];
    const first = await run(cacheMapped, { items });
    expect(computed(first.workflowId)).toEqual(['list', 'square']);
    const second = await run(cacheMapped, { items });
    expect(computed(second.workflowId)).toEqual([]);
    expect(cachedFrom(second.view, 'list')).toBe(first.workflowId);
    expect(cachedFrom(second.view, 'square')).toBe(first.workflowId);
    expect(taskOf(second.view, 'square').output).toEqual(items.map((x) => x * x));
    // Another list: test activities are keyed with the run's params (conservative), so every task recomputes.
    const third = await run(cacheMapped, { items: [...items, 5] });
    expect(taskOf(third.view, 'square').cached).toBeUndefined();
    expect(taskOf(third.view, 'square').output).toEqual([...items, 5].map((x) => x * x));
  });
});

describe('cached artifacts that changed', () => {
  const artifactOf = (view: RunView, task: string) => (taskOf(view, task).output as { artifact: { uri: string } }).artifact;

  it('a deleted cached artifact is a miss that recomputes, not a failure', async () => {
    const params = { text: `deleted-${tag}` };
    const first = await run(cachePipeline, params);
    const { bucket, key } = parseS3Uri(artifactOf(first.view, 'write').uri);
    await h.store.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    const second = await run(cachePipeline, params);
    expect(computed(second.workflowId)).toContain('write');
    expect(taskOf(second.view, 'write').cached).toBeUndefined();
    // The recomputed artifact has the same content: read's entry still holds, verified.
    expect(cachedFrom(second.view, 'read')).toBe(first.workflowId);
    // And the entry now points at the recomputed artifact: the next run hits again.
    const third = await run(cachePipeline, params);
    expect(cachedFrom(third.view, 'write')).toBe(second.workflowId);
  });

  it('a corrupted cached artifact (sha256 mismatch) is a miss that recomputes, never a wrong answer', async () => {
    const params = { text: `corrupt-${tag}` };
    const first = await run(cachePipeline, params);
    const { bucket, key } = parseS3Uri(artifactOf(first.view, 'read').uri);
    await h.store.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify({ text: 'tampered' }) }));
    const second = await run(cachePipeline, params);
    expect(computed(second.workflowId)).toEqual(['fresh', 'read']);
    expect((taskOf(second.view, 'read').output as { text: string }).text).toBe(`corrupt-${tag}!`);
  });
});

describe('concurrency, expiry, refresh', () => {
  it('identical keys running at the same time compute once; the other run waits and reuses it', async () => {
    const params = { text: `concurrent-${tag}`, ms: 3000 };
    const [a, b] = await Promise.all([run(cachePipeline, params), run(cachePipeline, params)]);
    const writes = [a, b].filter((r) => computed(r.workflowId).includes('write'));
    expect(writes).toHaveLength(1);
    const waiter = writes[0] === a ? b : a;
    expect(cachedFrom(waiter.view, 'write')).toBe(writes[0]?.workflowId);
    // read's key is then identical in both runs too, and they reach it at about the same time:
    // either may compute it (the waiter wins when its poll saw write's entry early), only one does.
    const reads = [a, b].filter((r) => computed(r.workflowId).includes('read'));
    expect(reads).toHaveLength(1);
    expect(cachedFrom((reads[0] === a ? b : a).view, 'read')).toBe(reads[0]?.workflowId);
  });

  it('a lease whose owner died is taken over once it expires', async () => {
    const params = { text: `orphan-${tag}` };
    // A first run records the key; deleting its entry and planting a lease of an owner that never
    // renews it makes the next run find a computation in progress by a dead worker.
    const first = await run(cachePipeline, params);
    const mine = [];
    for (const k of await listCacheEntryKeys(h.store, 't_cache', 'write')) {
      const doc = await getDoc<{ key: string; from: { workflowId: string } }>(h.store, k);
      if (doc?.value.from.workflowId === first.workflowId) mine.push({ k, key: doc.value.key });
    }
    expect(mine).toHaveLength(1);
    const { k, key } = mine[0] as { k: string; key: string };
    await h.store.s3.send(new DeleteObjectCommand({ Bucket: h.store.bucket, Key: k }));
    const now = Date.now();
    const lease = {
      format: 'tideflow.cache-lease',
      version: 1,
      key,
      owner: { dagId: 't_cache', taskId: 'write', workflowId: 'dead-owner', runId: 'dead', attempt: 1 },
      acquiredAt: new Date(now).toISOString(),
      expiresAt: new Date(now + 3000).toISOString(),
    };
    expect(await putDoc(h.store, cacheLeaseKey(h.store, { dagId: 't_cache', taskId: 'write', key }), lease, {})).not.toBe('conflict');
    const second = await run(cachePipeline, params);
    // It waited for the dead owner, then took over and computed (started after the lease expired).
    const started = h.readLog().find((e) => e.workflowId === second.workflowId && e.taskId === 'write' && e.event === 'start');
    expect(started?.at).toBeGreaterThanOrEqual(now + 3000);
    expect(taskOf(second.view, 'write').cached).toBeUndefined();
  });

  it('maxAge: an entry older than it is a miss', async () => {
    const params = { text: `maxage-${tag}` };
    await run(cacheShortLived, params);
    const soon = await run(cacheShortLived, params);
    expect(computed(soon.workflowId)).toEqual(['fresh']);
    await new Promise((r) => setTimeout(r, 2500));
    const later = await run(cacheShortLived, params);
    expect(computed(later.workflowId)).toEqual(['fresh', 'read', 'write']);
  });

  it("--no-cache (input cache: 'refresh') recomputes and rewrites the entries", async () => {
    const params = { text: `refresh-${tag}` };
    await run(cachePipeline, params);
    const refreshed = await run(cachePipeline, params, true);
    expect(computed(refreshed.workflowId)).toEqual(['fresh', 'read', 'write']);
    const next = await run(cachePipeline, params);
    expect(cachedFrom(next.view, 'write')).toBe(refreshed.workflowId);
    // The CLI (which knows the DAGs in dags/) sends the same input: tideflow trigger --no-cache.
    const io = captureIo({ ...process.env, ...h.env });
    expect(await runCli(['trigger', 'example_etl', '--no-cache', '--json'], io), io.err()).toBe(0);
    const { workflowId } = JSON.parse(io.out()) as { workflowId: string };
    const handle = h.client.workflow.getHandle(workflowId);
    const history = await handle.fetchHistory();
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
    expect(JSON.parse(Buffer.from(started ?? []).toString('utf8'))).toMatchObject({ cache: 'refresh' });
    await waitForRun(handle);
  });
});

describe('tideflow cache ls|clear', () => {
  const cli = (...args: string[]) => runCliInProcess(args, { ...process.env, ...h.env });

  it('lists entries by DAG and task, and clear makes the next run recompute', async () => {
    const artifact = await putJson(h.store, `${h.store.prefix}cache-test/${tag}/cli.json`, { text: `cli-${tag}` });
    const first = await run(cacheByRef, { artifact });
    const ls = await cli('cache', 'ls', '--dag', 't_cache_ref', '--task', 'read');
    expect(ls.code).toBe(0);
    expect(ls.out).toContain('t_cache_ref');
    expect(ls.out).toContain(first.workflowId);
    const json = await cli('cache', 'ls', '--dag', 't_cache_ref', '--json');
    const entries = JSON.parse(json.out) as { from: { workflowId: string }; artifacts: unknown[] }[];
    expect(entries.some((e) => e.from.workflowId === first.workflowId && e.artifacts.length > 0)).toBe(true);
    expect((await cli('cache', 'ls', '--dag', '../x')).code).toBe(2);

    const clear = await cli('cache', 'clear', '--dag', 't_cache_ref');
    expect(clear.code).toBe(0);
    expect(clear.out).toMatch(/Cleared \d+ step-cache entr/);
    expect((await cli('cache', 'ls', '--dag', 't_cache_ref')).out).toContain('No step-cache entries');
    expect(computed((await run(cacheByRef, { artifact })).workflowId)).toEqual(['read']);
  });
});
