/**
 * `{{ name }}` / `{{ name.path.to.value }}` placeholders, Airflow-style, in strings users write
 * (source key templates such as `events/dt={{ds}}/`). Strict: an unknown placeholder is an
 * error naming it and listing what exists, never an empty string in a path. Pure, so workflow
 * code may use it too.
 */

export class TemplateError extends Error {
  override name = 'TemplateError';
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}\}/g;

function lookup(vars: Readonly<Record<string, unknown>>, path: string): unknown {
  let v: unknown = vars;
  for (const part of path.split('.')) {
    if (typeof v !== 'object' || v === null || !Object.prototype.hasOwnProperty.call(v, part)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** Replace every placeholder; `where` names the template's owner in errors (e.g. "param 'source'"). */
export function renderTemplate(template: string, vars: Readonly<Record<string, unknown>>, where: string): string {
  const out = template.replace(PLACEHOLDER, (_, path: string) => {
    const v = lookup(vars, path);
    if (v === undefined || v === null) {
      throw new TemplateError(`${where}: unknown placeholder {{${path}}} (known: ${Object.keys(vars).sort().join(', ')})`);
    }
    if (typeof v === 'object') throw new TemplateError(`${where}: placeholder {{${path}}} is an object, name one of its fields`);
    return String(v);
  });
  const stray = /\{\{|\}\}/.exec(out);
  if (stray) throw new TemplateError(`${where}: malformed placeholder near '${out.slice(Math.max(0, stray.index - 10), stray.index + 12)}'`);
  return out;
}

/** The variables a run offers to its templates: ds, ds_nodash, logical_date, data_interval_start/end, params. */
export function runTemplateVars(run: { ds: string; logicalDate: string; dataIntervalStart: string; dataIntervalEnd: string; params?: unknown }): Record<string, unknown> {
  return {
    ds: run.ds,
    ds_nodash: run.ds.replace(/-/g, ''),
    logical_date: run.logicalDate,
    data_interval_start: run.dataIntervalStart,
    data_interval_end: run.dataIntervalEnd,
    params: run.params ?? {},
  };
}
