/**
 * `defineDag`: the typed way to write a DAG.
 *
 * Tasks are declared in order through a builder; each returns a handle whose type carries
 * the task's output type. A task's `input` is a template that references what it reads —
 * handles (`train`), their fields (`train.out.model`), params (`dag.params.seed`), run values
 * (`dag.run.ds`), the mapped item (`dag.item(list)`) or values computed from those
 * (`dag.compute`) — and its upstream tasks are the ones it references; `upstream` is only
 * for ordering without data. A wrong wiring (an input of the wrong shape, an unknown activity)
 * is a compile error. The older form, `upstream` plus an `input` function reading
 * `ctx.upstream`, still works.
 *
 * The types are in ./dag-api.ts, the translation of a builder call into a `TaskSpec` in ./task-spec.ts.
 */
import type { Duration } from '@temporalio/common';
import { z } from 'zod';
import { computeRef, fieldsOf, REF_KEY, refNode, type Ref, type RefNode } from './input-refs';
import { ENGINE_DEFAULTS } from './model';
import { strictParams } from './strict-params';
import type { DagDefinition, TaskSpec } from './model';
import type { AnyActivity, DagBuilder, DagOptions, TaskRef } from './dag-api';
import { toTaskSpec, type LooseTaskOptions } from './task-spec';

export type {
  ActivityTaskOptions,
  DagBuilder,
  DagOptions,
  EmptyTaskOptions,
  MapTaskOptions,
  RunValues,
  TaskRef,
  Upstream,
  UpstreamOutputs,
} from './dag-api';

/**
 * Bind `defineDag` to a set of activities (their types only: DAG files stay importable
 * by deterministic workflow code). Usage: `export const defineDag = createDagDefiner<Activities>()`.
 */
export function createDagDefiner<Acts extends Record<string, AnyActivity>>() {
  return function defineDag<S extends z.ZodType = z.ZodObject<Record<string, never>>>(
    options: DagOptions<S>,
    build: (dag: DagBuilder<Acts, z.output<S>>) => void,
  ): DagDefinition<z.output<S>> {
    const tasks: TaskSpec[] = [];
    // Tasks are declared after what they reference, so each one's ancestors are known when it is added.
    const ancestorsOf = new Map<string, Set<string>>();
    const ancestors = (id: string): ReadonlySet<string> => ancestorsOf.get(id) ?? new Set();
    const add = (id: string, o: LooseTaskOptions): TaskRef<string, unknown> => {
      const spec = toTaskSpec(id, o, ancestors);
      tasks.push(spec);
      ancestorsOf.set(id, new Set(spec.upstream.flatMap((u) => [u, ...ancestors(u)])));
      return handle(id);
    };
    const builder = {
      params: fieldsOf({ kind: 'run', path: ['params'] }),
      run: fieldsOf({ kind: 'run', path: [] }),
      item: (list: TaskRef) => fieldsOf({ kind: 'item', over: list.id, path: [] }),
      compute: (refs: Ref<unknown> | readonly Ref<unknown>[], fn: (values: never, ctx: never) => unknown) => {
        const single = !Array.isArray(refs);
        const list = (single ? [refs] : refs) as readonly Ref<unknown>[];
        return computeRef(list.map(nodeOf), single, fn);
      },
      task: (id: string, o: LooseTaskOptions) => add(id, o),
      map: (id: string, o: LooseTaskOptions) => add(id, o),
      empty: (id: string, o: LooseTaskOptions = {}) => add(id, { ...o, activity: undefined }),
    };
    build(builder as unknown as DagBuilder<Acts, z.output<S>>);
    return {
      id: options.id,
      ...(options.description !== undefined && { description: options.description }),
      tags: options.tags ?? [],
      // Unknown keys are rejected at every level, naming the nearest known key.
      params: strictParams(options.params ?? z.object({})) as z.ZodType<z.output<S>>,
      ...(options.schedule !== undefined && { schedule: options.schedule }),
      maxActiveTasks: options.maxActiveTasks ?? ENGINE_DEFAULTS.maxActiveTasks,
      defaults: options.defaults ?? {},
      tasks,
    };
  };
}

function nodeOf(ref: Ref<unknown>): RefNode {
  const node = refNode(ref);
  if (!node) throw new TypeError('dag.compute takes references (handles, their fields, dag.params, dag.run, dag.item)');
  return node;
}

/** A handle: the whole output as a reference, plus references to its fields. */
function handle(id: string): TaskRef<string, unknown> {
  const whole = fieldsOf<unknown>({ kind: 'task', task: id, path: [] });
  return Object.freeze({ id, out: whole, [REF_KEY]: refNode(whole) }) as unknown as TaskRef<string, unknown>;
}

export type { Duration };
