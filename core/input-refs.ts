/**
 * References to data a task reads: an upstream task's output (or a field of it), a run value
 * (params, dates, the mapped item), or a value computed from other references.
 *
 * A task's `input` may be a template: plain data with references at any depth. Its upstream
 * tasks are then the tasks it references (Airflow TaskFlow / Dagster style): each dependency is
 * written once, where it is read. References resolve on the worker just before the activity
 * runs (or in the workflow, for an empty task), from the upstream outputs the engine sends.
 */

/** Marks a reference; `Symbol.for` so copies of this module in a bundle agree. */
export const REF_KEY: unique symbol = Symbol.for('tideflow.ref') as never;
/** Phantom: the referenced value's type, never set at run time. */
declare const VALUE: unique symbol;

export type RefNode =
  | { kind: 'task'; task: string; path: readonly string[] }
  | { kind: 'run'; path: readonly string[] }
  | { kind: 'item'; over: string; path: readonly string[] }
  | { kind: 'compute'; of: readonly RefNode[]; single: boolean; fn: (values: unknown, ctx: never) => unknown };

export interface Ref<T> {
  readonly [REF_KEY]: RefNode;
  readonly [VALUE]?: () => T;
}

export type RefValue<R> = R extends Ref<infer T> ? T : never;

/** A reference that also offers references to each field: `train.out.model`, `params.split.strategy`. */
export type Fields<T> = Ref<T> &
  ([NonNullable<T>] extends [readonly unknown[]]
    ? unknown
    : [NonNullable<T>] extends [(...args: never[]) => unknown]
      ? unknown
      : [NonNullable<T>] extends [object]
        ? { readonly [K in keyof NonNullable<T> & string]-?: Fields<NonNullable<T>[K]> }
        : unknown);

/** An input template for a value of type T: the value itself, a reference to it, or an object of templates. */
export type Template<T> =
  | T
  | Ref<T>
  | ([T] extends [readonly unknown[]]
      ? never
      : [T] extends [(...args: never[]) => unknown]
        ? never
        : [T] extends [object]
          ? { [K in keyof T]: Template<T[K]> }
          : never);

/** The value a template resolves to. */
export type Resolved<T> =
  T extends Ref<infer V>
    ? V
    : T extends (...args: never[]) => unknown
      ? T
      : T extends object
        ? { -readonly [K in keyof T]: Resolved<T[K]> }
        : T;

export function refNode(value: unknown): RefNode | undefined {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  return (value as { [REF_KEY]?: RefNode })[REF_KEY];
}

/** A reference whose fields are references too (a Proxy: any field name is accepted). */
export function fieldsOf<T>(node: RefNode): Fields<T> {
  const extend = (path: readonly string[]): RefNode =>
    node.kind === 'compute' ? node : ({ ...node, path: [...node.path, ...path] } as RefNode);
  const make = (path: readonly string[]): unknown =>
    new Proxy(Object.create(null) as object, {
      get(_target, key) {
        if (key === REF_KEY) return extend(path);
        // Not a thenable, not iterable: a reference is never awaited or spread by mistake.
        if (typeof key === 'symbol' || key === 'then') return undefined;
        return make([...path, key]);
      },
      has: (_target, key) => key === REF_KEY,
      ownKeys: () => [],
    });
  return make([]) as Fields<T>;
}

export function computeRef<T>(of: readonly RefNode[], single: boolean, fn: (values: never, ctx: never) => T): Ref<T> {
  return { [REF_KEY]: { kind: 'compute', of, single, fn } as RefNode };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Every node in a template, depth first (references inside computed ones included). */
export function templateNodes(template: unknown): RefNode[] {
  const out: RefNode[] = [];
  const visitNode = (n: RefNode): void => {
    out.push(n);
    if (n.kind === 'compute') n.of.forEach(visitNode);
  };
  const walk = (v: unknown): void => {
    const node = refNode(v);
    if (node) visitNode(node);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (isPlainObject(v)) Object.values(v).forEach(walk);
  };
  walk(template);
  return out;
}

/** The tasks a template reads, in first-use order. */
export function referencedTasks(template: unknown): string[] {
  const ids: string[] = [];
  for (const n of templateNodes(template)) {
    const id = n.kind === 'task' ? n.task : n.kind === 'item' ? n.over : undefined;
    if (id !== undefined && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

const at = (value: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>((v, key) => (v === null || v === undefined ? undefined : (v as Record<string, unknown>)[key]), value);

/** The input context (see InputContext): run values and params, upstream outputs by task id, the mapped item. */
export interface ResolveContext {
  upstream: Record<string, unknown>;
  item?: unknown;
}

function resolveNode(node: RefNode, ctx: ResolveContext): unknown {
  switch (node.kind) {
    case 'task': {
      // A skipped upstream (the branch not taken) has no output: it reads as null.
      const output = ctx.upstream[node.task];
      return node.path.length === 0 ? (output ?? null) : at(output, node.path);
    }
    case 'run':
      return at(ctx, node.path);
    case 'item':
      return at(ctx.item, node.path);
    case 'compute': {
      const values = node.of.map((n) => resolveNode(n, ctx));
      const { upstream: _upstream, ...rest } = ctx;
      return node.fn((node.single ? values[0] : values) as never, rest as never);
    }
  }
}

/** The template with every reference replaced by its value. */
export function resolveTemplate(template: unknown, ctx: ResolveContext): unknown {
  const node = refNode(template);
  if (node) return resolveNode(node, ctx);
  if (Array.isArray(template)) return template.map((v) => resolveTemplate(v, ctx));
  if (isPlainObject(template)) {
    // A field that resolves to undefined is left out, as it would be once the input is serialized.
    const entries = Object.entries(template).map(([k, v]) => [k, resolveTemplate(v, ctx)] as const);
    return Object.fromEntries(entries.filter(([, v]) => v !== undefined));
  }
  return template;
}
