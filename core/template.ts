/**
 * `{{…}}` placeholders, Airflow-style, in strings users write: a command's executable, arguments
 * and environment values (activities/command), an ingest source key such as
 * `s3://lake/events/dt={{ds}}/` (activities/ml/ingest-data). One renderer for both, pure, so
 * workflow code may use it too.
 *
 * Rendering is plain substitution into one string at a time (for a command: one argv element, no
 * shell ever sees the result), and a substituted value is never rendered again, so a value cannot
 * inject a placeholder, an argument or a command. An unknown placeholder is a DAG bug that no retry
 * fixes: every one found is reported at once, with what does exist, never an empty string in a path.
 */

/** Values known before the task starts, by placeholder name. */
export interface TemplateScope {
  /** ds, logical_date, run_id, …: flat names. */
  builtins: Record<string, string>;
  /** `{{params.a.b}}`; absent = no params placeholders. */
  params?: unknown;
  /** `{{vars.a.b}}` (a command's vars). */
  vars?: Record<string, unknown>;
  /** Input name → local path of the staged file (a command's inputs). */
  inputs?: Record<string, string>;
  /** Output name → local path the process must write (a command's outputs). */
  outputs?: Record<string, string>;
}

/** A string to render and where it came from (`args[2]`, `env.DATA`, `source`), for error messages. */
export interface TemplateField {
  where: string;
  text: string;
}

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** The run's dates, as every task context carries them. */
export interface RunDates {
  ds: string;
  logicalDate: string;
  dataIntervalStart: string;
  dataIntervalEnd: string;
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const MAX_LISTED = 40;

/** The date placeholders of a run: ds, ds_nodash, logical_date, data_interval_start, data_interval_end. */
export function runDateValues(run: RunDates): Record<string, string> {
  return {
    ds: run.ds,
    ds_nodash: run.ds.replace(/-/g, ''),
    logical_date: run.logicalDate,
    data_interval_start: run.dataIntervalStart,
    data_interval_end: run.dataIntervalEnd,
  };
}

/** The scope a run offers to templates that have no inputs or outputs of their own: its dates and `params.*`. */
export function runTemplateVars(run: RunDates & { params?: unknown }): TemplateScope {
  return { builtins: runDateValues(run), params: run.params ?? {} };
}

type Lookup = { ok: true; value: unknown } | { ok: false; problem: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Follow a dotted path (`a.b.0.c`) into JSON-like data. */
function follow(root: unknown, rootName: string, segments: string[]): Lookup {
  let value = root;
  let at = rootName;
  for (const seg of segments) {
    if (seg === '') return { ok: false, problem: `has an empty path segment` };
    if (Array.isArray(value) && /^\d+$/.test(seg)) {
      const i = Number(seg);
      if (i >= value.length) return { ok: false, problem: `${at} has ${value.length} item(s), no index ${i}` };
      value = value[i];
    } else if (isRecord(value) && Object.prototype.hasOwnProperty.call(value, seg)) {
      value = value[seg];
    } else {
      return { ok: false, problem: `${at} has no '${seg}'` };
    }
    at = `${at}.${seg}`;
  }
  return { ok: true, value };
}

/** Leaf paths of JSON-like data (bounded), to list what a placeholder could have named. */
function paths(value: unknown, prefix: string, out: string[], depth = 0): void {
  if (out.length >= MAX_LISTED) return;
  if (depth < 3 && isRecord(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) paths(v, `${prefix}.${k}`, out, depth + 1);
    return;
  }
  out.push(prefix);
}

/** Every placeholder the scope can fill, for "did you mean" lists. */
export function availablePlaceholders(scope: TemplateScope): string[] {
  const out = [...Object.keys(scope.builtins)];
  out.push(...Object.keys(scope.inputs ?? {}).map((n) => `inputs.${n}`));
  out.push(...Object.keys(scope.outputs ?? {}).map((n) => `outputs.${n}`));
  const nested: string[] = [];
  if (scope.params !== undefined) paths(scope.params, 'params', nested);
  if (scope.vars !== undefined) paths(scope.vars, 'vars', nested);
  out.push(...nested.filter((p) => p !== 'params' || isRecord(scope.params)));
  if (out.length > MAX_LISTED) return [...out.slice(0, MAX_LISTED), '…'];
  return out;
}

/** A value as one string: strings as they are, numbers and booleans printed, objects as JSON. */
function stringify(name: string, value: unknown): string | { problem: string } {
  if (value === undefined || value === null) return { problem: `{{${name}}} is ${value === null ? 'null' : 'undefined'}` };
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

function resolve(name: string, scope: TemplateScope): string | { problem: string } {
  if (Object.prototype.hasOwnProperty.call(scope.builtins, name)) return scope.builtins[name] as string;
  const dot = name.indexOf('.');
  const root = dot < 0 ? name : name.slice(0, dot);
  const rest = dot < 0 ? '' : name.slice(dot + 1);
  if ((root === 'inputs' || root === 'outputs') && rest !== '') {
    const table = scope[root] ?? {};
    const path = Object.prototype.hasOwnProperty.call(table, rest) ? table[rest] : undefined;
    if (path === undefined) {
      const declared = Object.keys(table);
      return {
        problem: `unknown placeholder {{${name}}}: no ${root.slice(0, -1)} '${rest}' is declared (declared ${root}: ${declared.length ? declared.join(', ') : 'none'})`,
      };
    }
    return path;
  }
  if ((root === 'params' && scope.params !== undefined) || (root === 'vars' && scope.vars !== undefined)) {
    const found = follow(root === 'params' ? scope.params : scope.vars, root, rest === '' ? [] : rest.split('.'));
    if (!found.ok) return { problem: `unknown placeholder {{${name}}}: ${found.problem}` };
    return stringify(name, found.value);
  }
  return { problem: `unknown placeholder {{${name}}}` };
}

/** Render every field; throws one TemplateError naming every bad placeholder and listing the available ones. */
export function renderFields(fields: TemplateField[], scope: TemplateScope): string[] {
  const problems: string[] = [];
  const rendered = fields.map(({ where, text }) =>
    text.replace(PLACEHOLDER, (whole, name: string) => {
      const value = resolve(name, scope);
      if (typeof value === 'string') return value;
      problems.push(`${where}: ${value.problem}`);
      return whole;
    }),
  );
  if (problems.length > 0) {
    const available = availablePlaceholders(scope)
      .map((p) => `{{${p}}}`)
      .join(', ');
    throw new TemplateError(`${problems.join('; ')}. Available placeholders: ${available}`);
  }
  return rendered;
}

/** One string; `where` names its owner in errors (e.g. "source"). */
export function renderTemplate(text: string, scope: TemplateScope, where: string): string {
  return renderFields([{ where, text }], scope)[0] as string;
}
