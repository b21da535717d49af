/**
 * The orchestration-overhead benchmark's DAG: a straight chain of N no-op tasks
 * (t000 → t001 → … ), one activity each, nothing else; its `local` twin (`bench_local_chain_<n>`)
 * runs the same activities as Temporal local activities (`defaults: { local: true }`).
 *
 * N is part of the DAG id (`bench_chain_50`), hence of the workflow type: the workflow bundle
 * is built before `--tasks` is known, so the workflow side rebuilds the same DAG from its type
 * name (see ./workflows.ts) while the worker's task runner gets it from `chainDag(n)` directly.
 * Imported by workflow code: keep it deterministic and free of Node APIs.
 */
import { createDagDefiner, type TaskRef } from '../core/define';
import type { DagDefinition } from '../core/model';
import type { noop } from '../activities/builtin/noop';

const defineDag = createDagDefiner<{ noop: typeof noop }>();

const PREFIX = 'bench_chain_';
const LOCAL_PREFIX = 'bench_local_chain_';
export const MAX_CHAIN_TASKS = 10_000;

export function chainDagId(n: number, local = false): string {
  return `${local ? LOCAL_PREFIX : PREFIX}${n}`;
}

/** The local chain's task defaults: a no-op fits well within the local limit (core/local-tasks.ts). */
const LOCAL_DEFAULTS = { local: true, startToCloseTimeout: '10 seconds' } as const;

/** The task ids of a chain of `n`: t000, t001, … (wider when n > 1000). */
export function chainTaskIds(n: number): string[] {
  const width = Math.max(3, String(n - 1).length);
  return Array.from({ length: n }, (_, i) => `t${String(i).padStart(width, '0')}`);
}

export function chainDag(n: number, local = false): DagDefinition {
  if (!Number.isInteger(n) || n < 1 || n > MAX_CHAIN_TASKS)
    throw new Error(`chain length must be an integer in 1..${MAX_CHAIN_TASKS}, got ${n}`);
  const options = {
    id: chainDagId(n, local),
    description: `Benchmark: a chain of ${n} no-op tasks${local ? ' run as local activities' : ''}`,
    tags: ['bench'],
    ...(local && { defaults: LOCAL_DEFAULTS }),
  };
  const dag = defineDag(options, (b) => {
    let prev: TaskRef<string, void> | undefined;
    for (const id of chainTaskIds(n)) {
      prev = b.task(id, { activity: 'noop', upstream: prev ? [prev] : [] });
    }
  });
  return dag as DagDefinition;
}

/** The chain DAG a workflow type names, or undefined when the type is not `bench_chain_<n>` or `bench_local_chain_<n>`. */
export function chainDagForType(workflowType: string): DagDefinition | undefined {
  const local = workflowType.startsWith(LOCAL_PREFIX);
  if (!local && !workflowType.startsWith(PREFIX)) return undefined;
  const digits = workflowType.slice((local ? LOCAL_PREFIX : PREFIX).length);
  if (!/^[1-9][0-9]*$/.test(digits)) return undefined;
  const n = Number(digits);
  return n <= MAX_CHAIN_TASKS ? chainDag(n, local) : undefined;
}
