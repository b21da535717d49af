/**
 * The worker side of a task: turns the workflow's TaskInvocation into the activity's real
 * input and its output into something history can carry.
 *
 * Each registered activity is wrapped under its own name (so the Web UI shows `trainModel`,
 * not a generic runner). The wrapper fetches upstream outputs passed by reference, runs the
 * task's `input` function, calls the activity, and writes an output larger than the offload
 * threshold to S3, returning a reference instead. It is also the one place where errors become
 * Temporal failures (taskFailure below).
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { DagRegistry } from '../core/load';
import type { MapInputContext } from '../core/model';
import { ArtifactError, ConfigError, FailureType, InputError, TideflowError } from '../core/errors';
import { isOutputRef, type OutputRef, type TaskInvocation, type TaskResult } from '../core/output-ref';
import { getJson, putJson } from '../storage/artifacts/objects';
import type { ArtifactStore } from '../storage/artifacts/types';
import { effectiveCache } from '../core/cache-tasks';
import { runCached } from './cache/run-cached';
import { UNCACHEABLE_ACTIVITIES } from './cache/policy';
import { currentTaskContext, type TaskActivity } from './context';

export interface TaskRunnerDeps {
  dags: DagRegistry;
  /** The worker's one store: task outputs go there, and every activity gets it in its context. */
  store: ArtifactStore;
  offloadBytes: number;
}

// `never` input: accepts every activity, whatever its input type.
export type ActivityRegistry = Record<string, TaskActivity<never, unknown>>;
export type WrappedActivity = (invocation: TaskInvocation) => Promise<TaskResult>;

/**
 * The one translation of an error into a Temporal failure: Tideflow's errors carry their type and
 * retryability; an ApplicationFailure passes as it is; anything else is an unexpected error
 * (a bug, an outage) and stays retryable under its own name. The attempt is attached as a detail.
 */
export function taskFailure(err: unknown, attempt: number): ApplicationFailure {
  const detail = { tideflowAttempt: attempt };
  if (err instanceof ApplicationFailure) {
    return new ApplicationFailure(
      err.message,
      err.type,
      err.nonRetryable,
      [detail, ...(err.details ?? [])],
      err.cause,
      err.nextRetryDelay,
      err.category,
    );
  }
  if (err instanceof TideflowError) return new ApplicationFailure(err.message, err.type, !err.retryable, [detail, ...err.details], err);
  const e = err instanceof Error ? err : new Error(String(err));
  return new ApplicationFailure(e.message, e.name, false, [detail], e);
}

async function resolve(deps: TaskRunnerDeps, value: unknown): Promise<unknown> {
  return isOutputRef(value) ? getJson(deps.store, value) : value;
}

async function resolveItem(deps: TaskRunnerDeps, map: NonNullable<TaskInvocation['map']>): Promise<unknown> {
  if (!map.itemRef) return map.item;
  const list = await getJson(deps.store, map.itemRef);
  if (!Array.isArray(list) || map.index >= list.length) {
    throw new ArtifactError(`fan-out source ${map.itemRef.uri} has no item ${map.index}`, { type: FailureType.MissingFanOutItem });
  }
  const item: unknown = list[map.index];
  return item;
}

function outputKey(deps: TaskRunnerDeps, inv: TaskInvocation): string {
  const suffix = inv.map ? `.${inv.map.index}` : '';
  return `${deps.store.prefix}runs/${inv.dagId}/${inv.workflowId}/${inv.runId}/outputs/${inv.taskId}${suffix}.json`;
}

async function offload(deps: TaskRunnerDeps, inv: TaskInvocation, output: unknown): Promise<unknown> {
  if (output === undefined) return undefined;
  const json = JSON.stringify(output);
  if (json === undefined || Buffer.byteLength(json, 'utf8') <= deps.offloadBytes) return output;
  const ref = await putJson(deps.store, outputKey(deps, inv), output);
  const outputRef: OutputRef = { $tideflowRef: 1, ...ref, ...(Array.isArray(output) && { length: output.length }) };
  return outputRef;
}

export async function prepareInput(deps: TaskRunnerDeps, name: string, inv: TaskInvocation): Promise<unknown> {
  const dag = deps.dags.get(inv.dagId);
  const spec = dag?.tasks.find((t) => t.id === inv.taskId);
  if (!dag || !spec) {
    throw new ConfigError(`task '${inv.taskId}' of DAG '${inv.dagId}' is not known to this worker`, { type: FailureType.UnknownTask });
  }
  if (spec.activity !== name) {
    throw new ConfigError(`task '${inv.taskId}' of DAG '${inv.dagId}' runs '${String(spec.activity)}', not '${name}'`, {
      type: FailureType.ActivityMismatch,
    });
  }
  const upstream: Record<string, unknown> = {};
  for (const [id, value] of Object.entries(inv.upstream)) {
    try {
      upstream[id] = await resolve(deps, value);
    } catch (err) {
      // A corrupted or vanished output stays so on every retry: the ArtifactError fails the task now, naming it.
      if (err instanceof ArtifactError) err.locate(`output of upstream task '${id}'`);
      throw err;
    }
  }
  const { upstream: _refs, map: _map, cache: _cache, ...ids } = inv;
  const inputCtx: MapInputContext = {
    ...ids,
    upstream,
    item: inv.map ? await resolveItem(deps, inv.map) : undefined,
    mapIndex: inv.map?.index ?? -1,
  };
  try {
    return spec.input ? spec.input(inputCtx) : undefined;
  } catch (err) {
    // A bug in the DAG's wiring: retrying cannot fix it.
    const msg = err instanceof Error ? err.message : String(err);
    throw new InputError(`input function of task '${inv.taskId}' (DAG '${inv.dagId}') threw: ${msg}`, {
      type: FailureType.InputMappingError,
    });
  }
}

function wrap(deps: TaskRunnerDeps, name: string, impl: TaskActivity<never, unknown>): WrappedActivity {
  return async (inv: TaskInvocation): Promise<TaskResult> => {
    const attempt = Context.current().info.attempt;
    try {
      const input = await prepareInput(deps, name, inv);
      const { upstream: _refs, map: _map, cache: _cache, ...ids } = inv;
      const ctx = currentTaskContext({ ...ids, ...(inv.map && { mapIndex: inv.map.index }), store: deps.store });
      const dag = deps.dags.get(inv.dagId);
      const spec = dag?.tasks.find((t) => t.id === inv.taskId);
      const cache = dag && spec ? effectiveCache(dag, spec, { uncacheableActivities: UNCACHEABLE_ACTIVITIES }) : undefined;
      if (!cache) {
        const output = await impl(input as never, ctx);
        return { output: await offload(deps, inv, output), attempt };
      }
      // Step caching (activities/cache): a verified earlier output, or computed once and recorded.
      const compute = async () => {
        const full = await impl(input as never, ctx);
        return { full, result: await offload(deps, inv, full) };
      };
      const r = await runCached({ activity: name, spec: cache, refresh: inv.cache === 'refresh', input, ctx, compute });
      return { output: r.output, attempt, ...(r.cached && { cached: r.cached }) };
    } catch (err) {
      throw taskFailure(err, attempt);
    }
  };
}

/** Wrap every activity for registration with the worker, each under its own name. */
export function wrapActivities(deps: TaskRunnerDeps, activities: ActivityRegistry): Record<string, WrappedActivity> {
  return Object.fromEntries(Object.entries(activities).map(([name, impl]) => [name, wrap(deps, name, impl)]));
}
