/** Graph helpers over a DAG's tasks: downstream map, topological order, cycle finding. */
import type { TaskSpec } from './model';

export function downstreamMap(tasks: readonly TaskSpec[]): Map<string, string[]> {
  const down = new Map<string, string[]>(tasks.map((t) => [t.id, []]));
  for (const t of tasks) for (const u of t.upstream) down.get(u)?.push(t.id);
  return down;
}

/**
 * Kahn's algorithm; ties broken by definition order so the order is stable and readable.
 * Returns null when the graph has a cycle.
 */
export function topologicalOrder(tasks: readonly TaskSpec[]): string[] | null {
  const position = new Map(tasks.map((t, i) => [t.id, i]));
  const remaining = new Map(tasks.map((t) => [t.id, t.upstream.filter((u) => position.has(u)).length]));
  const down = downstreamMap(tasks);
  const ready = tasks.filter((t) => remaining.get(t.id) === 0).map((t) => t.id);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
    const id = ready.shift() as string;
    order.push(id);
    for (const d of down.get(id) ?? []) {
      const left = (remaining.get(d) ?? 0) - 1;
      remaining.set(d, left);
      if (left === 0) ready.push(d);
    }
  }
  return order.length === tasks.length ? order : null;
}

/** One cycle as a closed path, e.g. ['a', 'b', 'c', 'a'], or null if there is none. */
export function findCycle(tasks: readonly TaskSpec[]): string[] | null {
  const upstreamOf = new Map(tasks.map((t) => [t.id, t.upstream]));
  const color = new Map<string, 'grey' | 'black'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    color.set(id, 'grey');
    stack.push(id);
    for (const u of upstreamOf.get(id) ?? []) {
      if (!upstreamOf.has(u)) continue;
      if (color.get(u) === 'grey') {
        // Walked against the edges: reverse the path so it reads in execution order.
        return [...stack.slice(stack.indexOf(u)), u].reverse();
      }
      if (!color.has(u)) {
        const found = visit(u);
        if (found) return found;
      }
    }
    stack.pop();
    color.set(id, 'black');
    return null;
  };
  for (const t of tasks) {
    if (color.has(t.id)) continue;
    const found = visit(t.id);
    if (found) return found;
  }
  return null;
}

/** Every task reachable downstream of `id` (not including it). */
export function descendants(down: Map<string, string[]>, id: string): Set<string> {
  const seen = new Set<string>();
  const queue = [...(down.get(id) ?? [])];
  while (queue.length > 0) {
    const next = queue.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...(down.get(next) ?? []));
  }
  return seen;
}
