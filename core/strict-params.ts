/**
 * Unknown param keys are errors, at every level: a misspelt `{"modelNmae": …}` must not train
 * a default model. `strictParams` returns the schema with every plain (stripping) object made
 * strict, its refinements kept, and an error that names each unknown key with the nearest
 * known one. Objects that chose to accept extra keys (a catchall, z.looseObject) are left as they are.
 */
import { z } from 'zod';

type AnySchema = z.ZodType & { clone(def?: unknown): z.ZodType };
type Def = Record<string, unknown> & { type: string };

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}

/** The known key nearest to `key`, when it is near enough to be a likely misspelling. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const d = distance(key, name);
    if (!best || d < best.d) best = { name, d };
  }
  return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.name : undefined;
}

export function unknownKeysMessage(keys: readonly string[], known: readonly string[]): string {
  const named = keys.map((k) => {
    const near = nearestKey(k, known);
    return near ? `'${k}' (did you mean '${near}'?)` : `'${k}'`;
  });
  return `unknown key${keys.length > 1 ? 's' : ''} ${named.join(', ')}; known: ${known.join(', ')}`;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);

function strictDeep(schema: z.ZodType): z.ZodType {
  const s = schema as AnySchema;
  const def = s._zod.def as unknown as Def;
  const clone = (changes: Record<string, unknown>): z.ZodType => s.clone({ ...def, ...changes });
  if (def.type === 'object') {
    const shape = Object.fromEntries(Object.entries(def['shape'] as Record<string, z.ZodType>).map(([k, v]) => [k, strictDeep(v)]));
    const catchall = def['catchall'] as z.ZodType | undefined;
    // A catchall other than never accepts extra keys on purpose.
    if (catchall !== undefined && catchall._zod.def.type !== 'never') return clone({ shape });
    const known = Object.keys(shape);
    const previous = def['error'] as ((issue: unknown) => unknown) | undefined;
    const error = (issue: { code?: string; keys?: string[] }) =>
      issue.code === 'unrecognized_keys' ? unknownKeysMessage(issue.keys ?? [], known) : previous?.(issue);
    return clone({ shape, catchall: z.never(), error });
  }
  if (WRAPPERS.has(def.type)) return clone({ innerType: strictDeep(def['innerType'] as z.ZodType) });
  if (def.type === 'pipe') {
    const input = def['in'] as z.ZodType;
    // z.preprocess: the value is checked by `out` (after the preprocessing transform).
    if (input._zod.def.type === 'transform') return clone({ out: strictDeep(def['out'] as z.ZodType) });
    return clone({ in: strictDeep(input) });
  }
  if (def.type === 'array') return clone({ element: strictDeep(def['element'] as z.ZodType) });
  if (def.type === 'record') return clone({ valueType: strictDeep(def['valueType'] as z.ZodType) });
  if (def.type === 'union') return clone({ options: (def['options'] as z.ZodType[]).map(strictDeep) });
  if (def.type === 'intersection') {
    return clone({ left: strictDeep(def['left'] as z.ZodType), right: strictDeep(def['right'] as z.ZodType) });
  }
  return schema;
}

/** The schema with unknown keys rejected at every level (see the module comment). */
export function strictParams<S extends z.ZodType>(schema: S): S {
  return strictDeep(schema) as S;
}
