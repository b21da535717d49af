/**
 * From a builder call's options to the engine's `TaskSpec`: the edges inferred from what the
 * task's input references, the options copied over, the template turned into an input function.
 */
import { referencedTasks, resolveTemplate } from './input-refs';
import type { BranchChoice, InputFn, RunOptionsFn, TaskOptionsBase, TaskSpec } from './model';
import type { Upstream } from './dag-api';

/** The loosely typed options every builder method funnels into. */
export interface LooseTaskOptions extends TaskOptionsBase {
  activity?: string;
  upstream?: readonly Upstream[];
  input?: unknown;
  runOptions?: RunOptionsFn;
  over?: Upstream;
  maxParallel?: number;
  branch?: (output: never, ctx: never) => BranchChoice;
  shortCircuit?: (output: never, ctx: never) => boolean;
  ignoreDownstreamTriggerRules?: boolean;
}

const refId = (ref: Upstream): string => (typeof ref === 'string' ? ref : ref.id);

/** The worker-side input function: a function as given, or a template resolved against the context. */
function inputFn(input: unknown): InputFn | undefined {
  if (input === undefined) return undefined;
  if (typeof input === 'function') return input as InputFn;
  return (ctx) => resolveTemplate(input, ctx);
}

/**
 * Edges from what a task reads: a referenced task is an upstream, unless it is already an
 * ancestor of another upstream — then it is only read (`reads`). So a task reading a branch
 * point's output through a chosen path (report reading the gate's decision after register or
 * rejected) is not a direct downstream of the branch, which would skip it.
 */
function dependencies(explicit: string[], referenced: string[], ancestors: (id: string) => ReadonlySet<string>) {
  const candidates = [...explicit, ...referenced.filter((r) => !explicit.includes(r))];
  const implied = (id: string) => candidates.some((other) => other !== id && ancestors(other).has(id));
  const upstream = candidates.filter((c) => explicit.includes(c) || !implied(c));
  const reads = candidates.filter((c) => !upstream.includes(c));
  return { upstream, reads };
}

export function toTaskSpec(id: string, o: LooseTaskOptions, ancestors: (id: string) => ReadonlySet<string>): TaskSpec {
  const explicit = (o.upstream ?? []).map(refId);
  // The fanned-out list is an upstream too: the task waits for it like any other.
  if (o.over !== undefined && !explicit.includes(refId(o.over))) explicit.unshift(refId(o.over));
  const referenced = typeof o.input === 'function' ? [] : referencedTasks(o.input);
  const { upstream, reads } = dependencies(explicit, referenced, ancestors);
  const spec: TaskSpec = { id, upstream, ...(reads.length > 0 && { reads }) };
  const copied: (keyof TaskOptionsBase)[] = [
    'description',
    'retry',
    'startToCloseTimeout',
    'scheduleToCloseTimeout',
    'heartbeatTimeout',
    'taskQueue',
    'triggerRule',
    'local',
    'cache',
    'pure',
  ];
  for (const key of copied) if (o[key] !== undefined) Object.assign(spec, { [key]: o[key] });
  if (o.activity !== undefined) spec.activity = o.activity;
  const input = inputFn(o.input);
  if (input) spec.input = input;
  if (o.runOptions) spec.runOptions = o.runOptions;
  if (o.over !== undefined) spec.expand = { from: refId(o.over), ...(o.maxParallel !== undefined && { maxParallel: o.maxParallel }) };
  if (o.branch) spec.branch = o.branch as TaskSpec['branch'];
  if (o.shortCircuit) {
    spec.shortCircuit = {
      predicate: o.shortCircuit as NonNullable<TaskSpec['shortCircuit']>['predicate'],
      ignoreDownstreamTriggerRules: o.ignoreDownstreamTriggerRules ?? true,
    };
  }
  return spec;
}
