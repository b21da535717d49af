/**
 * MLflow's scoring protocol (`mlflow models serve`): a JSON body with exactly one of
 *   dataframe_split   {"columns": [...], "data": [[...], ...]}     (pandas orient=split; "index" ignored)
 *   dataframe_records [{"col": value, ...}, ...]                  (pandas orient=records)
 *   instances | inputs  records as above, rows as arrays in the model's input column order,
 *                       or columns {"col": [values...]}           (TF-serving row / columnar forms)
 * plus an optional "params" object (ignored). The answer is {"predictions": [...]} with one entry
 * per row: {"prediction": label | number, "probabilities": {class: p}} — and the model version used.
 */
import type { ColumnSchema } from '../../ml/frame/frame';
import type { InputColumns } from '../../ml/predict';
import { badRequest } from '../errors';

const FORMATS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function fromRecords(records: unknown[], key: string): InputColumns {
  const columns = new Map<string, unknown[]>();
  records.forEach((r, i) => {
    if (!isObject(r)) throw badRequest(`${key}[${i}] (row ${i}) is not an object of column → value`);
    for (const [k, v] of Object.entries(r)) {
      let col = columns.get(k);
      if (!col) columns.set(k, (col = new Array<unknown>(records.length).fill(undefined)));
      col[i] = v;
    }
  });
  return { rows: records.length, columns };
}

function fromRows(names: readonly string[], data: unknown[], key: string): InputColumns {
  const columns = new Map<string, unknown[]>(names.map((n) => [n, new Array<unknown>(data.length)]));
  data.forEach((row, i) => {
    if (!Array.isArray(row)) throw badRequest(`${key}[${i}] (row ${i}) is not an array of values`);
    if (row.length !== names.length)
      throw badRequest(`${key}[${i}] (row ${i}) has ${row.length} values for ${names.length} columns (${names.join(', ')})`);
    names.forEach((n, j) => ((columns.get(n) as unknown[])[i] = row[j]));
  });
  return { rows: data.length, columns };
}

function fromColumns(obj: Record<string, unknown>, key: string): InputColumns {
  let rows: number | undefined;
  const columns = new Map<string, unknown[]>();
  for (const [name, values] of Object.entries(obj)) {
    if (!Array.isArray(values)) throw badRequest(`${key}.${name} must be an array of values (one per row)`);
    if (rows !== undefined && values.length !== rows)
      throw badRequest(`${key}.${name} has ${values.length} values, the other columns ${rows}: every column needs one value per row`);
    rows = values.length;
    columns.set(name, values);
  }
  return { rows: rows ?? 0, columns };
}

/** The body's rows as input columns; `schema` orders bare row arrays. Throws HttpError 400 naming what is wrong. */
export function parseMlflowBody(body: unknown, schema: readonly ColumnSchema[]): InputColumns {
  if (!isObject(body)) throw badRequest(`the body must be a JSON object with one of ${FORMATS.join(', ')}`);
  const present = FORMATS.filter((f) => body[f] !== undefined);
  const unknown = Object.keys(body).filter((k) => !(FORMATS as readonly string[]).includes(k) && k !== 'params');
  if (present.length !== 1)
    throw badRequest(
      present.length === 0
        ? `the body has none of ${FORMATS.join(', ')}${unknown.length > 0 ? ` (it has ${unknown.join(', ')})` : ''}`
        : `the body has ${present.join(' and ')}: send exactly one`,
    );
  if (unknown.length > 0) throw badRequest(`unknown field${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')} next to ${present[0]}`);
  const key = present[0] as (typeof FORMATS)[number];
  const value = body[key];
  if (key === 'dataframe_split') {
    if (!isObject(value)) throw badRequest('dataframe_split must be an object {"columns": [...], "data": [[...]]}');
    const { columns, data } = value;
    if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string'))
      throw badRequest('dataframe_split.columns must be an array of column names');
    if (new Set(columns).size !== columns.length) throw badRequest('dataframe_split.columns names a column twice');
    if (!Array.isArray(data)) throw badRequest('dataframe_split.data must be an array of rows');
    return fromRows(columns as string[], data, 'dataframe_split.data');
  }
  if (key === 'dataframe_records') {
    if (!Array.isArray(value)) throw badRequest('dataframe_records must be an array of {column: value} objects');
    return fromRecords(value, key);
  }
  if (isObject(value)) return fromColumns(value, key);
  if (!Array.isArray(value)) throw badRequest(`${key} must be an array of rows or an object of columns`);
  if (value.length > 0 && Array.isArray(value[0]))
    return fromRows(
      schema.map((c) => c.name),
      value,
      key,
    );
  return fromRecords(value, key);
}
