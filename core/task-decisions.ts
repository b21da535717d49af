/**
 * Pure decisions the run scheduler (./scheduler.ts) takes from a task's upstream outputs: what
 * its branch or short-circuit selector rules out, an empty task's output, a fan-out's size.
 * Each throws on a bad value; the scheduler records the error on the task.
 */
import { descendants } from './graph';
import type { SelectorContext, TaskSpec } from './model';
import { isOutputRef } from './output-ref';

/** The tasks a branch or short-circuit selector skips, and the note they get; none if it rules nothing out. */
export function ruledOutBySelector(
  spec: TaskSpec,
  output: unknown,
  selectorContext: SelectorContext,
  down: Map<string, string[]>,
): { targets: string[]; note: string } {
  const direct = down.get(spec.id) ?? [];
  if (spec.branch) {
    const choice = spec.branch(output, selectorContext);
    const chosen = choice === null || choice === undefined ? [] : typeof choice === 'string' ? [choice] : [...choice];
    const unknown = chosen.filter((c) => !direct.includes(c));
    if (unknown.length > 0) {
      throw new Error(`branch chose ${unknown.map((u) => `'${u}'`).join(', ')}, not a direct downstream (choices: ${direct.join(', ')})`);
    }
    return { targets: direct.filter((d) => !chosen.includes(d)), note: `not chosen by branch '${spec.id}'` };
  }
  if (spec.shortCircuit && !spec.shortCircuit.predicate(output, selectorContext)) {
    const targets = spec.shortCircuit.ignoreDownstreamTriggerRules ? [...descendants(down, spec.id)] : direct;
    return { targets, note: `short-circuited by '${spec.id}'` };
  }
  return { targets: [], note: '' };
}

/** An empty task's output: its input resolved in the workflow from inline upstream outputs. */
export function emptyTaskOutput(
  spec: TaskSpec,
  upstream: Record<string, unknown>,
  selectorContext: SelectorContext,
  dagId: string,
): unknown {
  const stored = Object.keys(upstream).filter((u) => isOutputRef(upstream[u]));
  if (stored.length > 0) {
    throw new Error(
      `reads ${stored.map((u) => `'${u}'`).join(', ')}, whose output is too large to read in the workflow (stored in S3); ` +
        'compute this in an activity task instead',
    );
  }
  const ctx = { ...selectorContext, dagId, taskId: spec.id, upstream, item: undefined, mapIndex: -1 };
  return (spec.input as NonNullable<TaskSpec['input']>)(ctx as never);
}

/** How many instances a fan-out over `source` runs: its length, or undefined if it is not a list. */
export function fanOutSize(source: unknown): number | undefined {
  return Array.isArray(source) ? source.length : isOutputRef(source) ? source.length : undefined;
}
