/**
 * The worker side of a task: turns the workflow's TaskInvocation into the activity's real
 * input and its output into something history can carry.
 *
 * Each registered activity is wrapped under its own name (so the Web UI shows `trainModel`,
 * not a generic runner). The wrapper fetches upstream outputs passed by reference, runs the
 * task's `input` function, calls the activity, and writes an output larger than the offload
 * threshold to S3, returning a reference instead.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DagRegistry } from '../core/load';
import type { MapInputContext } from '../core/model';
import { isOutputRef, type OutputRef, type TaskInvocation, type TaskResult } from '../core/output-ref';
import { getJsonByRef, MissingObjectError, ObjectIntegrityError, putJsonText } from '../storage/json-objects';
import { currentTaskContext, type TaskActivity } from './context';

export interface TaskRunnerDeps {
  dags: DagRegistry;
  s3: S3Client;
  bucket: string;
  prefix: string;
  offloadBytes: number;
}

// `never` input: accepts every activity, whatever its input type.
export type ActivityRegistry = Record<string, TaskActivity<never, unknown>>;
export type WrappedActivity = (invocation: TaskInvocation) => Promise<TaskResult>;

async function resolve(deps: TaskRunnerDeps, value: unknown): Promise<unknown> {
  return isOutputRef(value) ? getJsonByRef(deps.s3, value) : value;
}

async function resolveItem(deps: TaskRunnerDeps, map: NonNullable<TaskInvocation['map']>): Promise<unknown> {
  if (!map.itemRef) return map.item;
  const list = await getJsonByRef(deps.s3, map.itemRef);
  if (!Array.isArray(list) || map.index >= list.length) {
    throw ApplicationFailure.nonRetryable(`fan-out source ${map.itemRef.uri} has no item ${map.index}`, 'MissingFanOutItem');
  }
  const item: unknown = list[map.index];
  return item;
}

function outputKey(deps: TaskRunnerDeps, inv: TaskInvocation): string {
  const suffix = inv.map ? `.${inv.map.index}` : '';
  return `${deps.prefix}runs/${inv.dagId}/${inv.workflowId}/${inv.runId}/outputs/${inv.taskId}${suffix}.json`;
}

async function offload(deps: TaskRunnerDeps, inv: TaskInvocation, output: unknown): Promise<unknown> {
  if (output === undefined) return undefined;
  const json = JSON.stringify(output);
  if (json === undefined || Buffer.byteLength(json, 'utf8') <= deps.offloadBytes) return output;
  const ref: OutputRef = await putJsonText(
    deps.s3,
    deps.bucket,
    outputKey(deps, inv),
    json,
    Array.isArray(output) ? output.length : undefined,
  );
  return ref;
}

/** Re-throw an activity's error with the attempt number attached, keeping its type and retryability. */
function withAttempt(err: unknown, attempt: number): ApplicationFailure {
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
  const e = err instanceof Error ? err : new Error(String(err));
  return new ApplicationFailure(e.message, e.name, false, [detail], e);
}

function wrap(deps: TaskRunnerDeps, name: string, impl: TaskActivity<never, unknown>): WrappedActivity {
  return async (inv: TaskInvocation): Promise<TaskResult> => {
    const attempt = Context.current().info.attempt;
    const dag = deps.dags.get(inv.dagId);
    const spec = dag?.tasks.find((t) => t.id === inv.taskId);
    if (!dag || !spec) {
      throw ApplicationFailure.nonRetryable(`task '${inv.taskId}' of DAG '${inv.dagId}' is not known to this worker`, 'UnknownTask');
    }
    if (spec.activity !== name) {
      throw ApplicationFailure.nonRetryable(
        `task '${inv.taskId}' of DAG '${inv.dagId}' runs '${String(spec.activity)}', not '${name}'`,
        'ActivityMismatch',
      );
    }
    const upstream: Record<string, unknown> = {};
    for (const [id, value] of Object.entries(inv.upstream)) {
      try {
        upstream[id] = await resolve(deps, value);
      } catch (err) {
        // A corrupted or vanished output stays so on every retry: fail now, naming it.
        if (err instanceof ObjectIntegrityError || err instanceof MissingObjectError) {
          throw ApplicationFailure.nonRetryable(`output of upstream task '${id}': ${err.message}`, err.name);
        }
        throw err;
      }
    }
    const { upstream: _refs, map: _map, ...ids } = inv;
    const inputCtx: MapInputContext = {
      ...ids,
      upstream,
      item: inv.map ? await resolveItem(deps, inv.map) : undefined,
      mapIndex: inv.map?.index ?? -1,
    };

    let input: unknown;
    try {
      input = spec.input ? spec.input(inputCtx) : undefined;
    } catch (err) {
      // A bug in the DAG's wiring: retrying cannot fix it.
      const msg = err instanceof Error ? err.message : String(err);
      throw ApplicationFailure.nonRetryable(
        `input function of task '${inv.taskId}' (DAG '${inv.dagId}') threw: ${msg}`,
        'InputMappingError',
      );
    }
    const ctx = currentTaskContext({ ...ids, ...(inv.map && { mapIndex: inv.map.index }) });
    let output: unknown;
    try {
      output = await impl(input as never, ctx);
    } catch (err) {
      throw withAttempt(err, attempt);
    }
    return { output: await offload(deps, inv, output), attempt };
  };
}

/** Wrap every activity for registration with the worker, each under its own name. */
export function wrapActivities(deps: TaskRunnerDeps, activities: ActivityRegistry): Record<string, WrappedActivity> {
  return Object.fromEntries(Object.entries(activities).map(([name, impl]) => [name, wrap(deps, name, impl)]));
}
