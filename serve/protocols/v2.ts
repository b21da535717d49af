/**
 * The KServe V2 / Open Inference protocol, tabular style: one input tensor per column.
 *   request  {"id"?: str, "inputs": [{"name": col, "datatype": "FP64"|"INT64"|"BOOL"|"BYTES"|…, "shape": [n] | [n, 1], "data": [...]}]}
 *   response {"model_name", "model_version", "id", "outputs": [
 *               {"name": "label", "datatype": "BYTES", "shape": [n], "data": [...]},
 *               {"name": "probabilities", "datatype": "FP64", "shape": [n, k], "data": [...row-major], "parameters": {"classes": [...]}}]}
 *   (regression: one {"name": "prediction", "datatype": "FP64", "shape": [n]} output)
 * The body shape is checked by the route's JSON schema (fastify/ajv); here, what a schema cannot
 * say: shapes agree with the data and with each other, and datatypes fit the model's columns.
 */
import type { ColumnSchema, ColumnType } from '../../ml/frame/frame';
import type { InputColumns, LoadedModel, Scores } from '../../ml/predict';
import { badRequest } from '../errors';

const NUMERIC = ['FP16', 'FP32', 'FP64', 'INT8', 'INT16', 'INT32', 'INT64', 'UINT8', 'UINT16', 'UINT32', 'UINT64'];
export const DATATYPES = [...NUMERIC, 'BOOL', 'BYTES'] as const;

export interface V2Tensor {
  name: string;
  datatype: string;
  shape: number[];
  data: unknown[];
  parameters?: Record<string, unknown>;
}

export interface V2InferRequest {
  id?: string;
  parameters?: Record<string, unknown>;
  inputs: V2Tensor[];
  outputs?: { name: string }[];
}

/** JSON schema of an infer request (fastify validates it before the handler runs). */
export const inferRequestSchema = {
  type: 'object',
  required: ['inputs'],
  properties: {
    id: { type: 'string', maxLength: 256 },
    parameters: { type: 'object' },
    inputs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['name', 'datatype', 'shape', 'data'],
        properties: {
          name: { type: 'string', minLength: 1 },
          datatype: { type: 'string', enum: DATATYPES },
          shape: { type: 'array', items: { type: 'integer', minimum: 0 }, minItems: 1, maxItems: 2 },
          data: { type: 'array' },
          parameters: { type: 'object' },
        },
      },
    },
    outputs: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
  },
} as const;

/** The V2 datatype a model column is exchanged as. */
export function datatypeOf(type: ColumnType): string {
  return type === 'number' ? 'FP64' : type === 'boolean' ? 'BOOL' : 'BYTES';
}

/** Which tensor datatypes a column of the model accepts (timestamps: ISO strings or INT64 epoch ms). */
function accepts(type: ColumnType, datatype: string): boolean {
  if (type === 'number') return NUMERIC.includes(datatype) || datatype === 'BOOL';
  if (type === 'boolean') return datatype === 'BOOL' || NUMERIC.includes(datatype);
  if (type === 'timestamp') return datatype === 'BYTES' || NUMERIC.includes(datatype);
  return true; // strings: BYTES, or numbers/booleans printed as labels
}

function flatten(data: unknown[]): unknown[] {
  return data.some(Array.isArray) ? (data as unknown[]).flat(Infinity) : data;
}

export function parseInferRequest(body: V2InferRequest, schema: readonly ColumnSchema[]): InputColumns {
  const types = new Map(schema.map((c) => [c.name, c.type]));
  const columns = new Map<string, unknown[]>();
  let rows: number | undefined;
  let rowsFrom = '';
  for (const t of body.inputs) {
    if (columns.has(t.name)) throw badRequest(`input '${t.name}' is given twice`);
    const [n, width = 1] = t.shape as [number, number?];
    if (width !== 1)
      throw badRequest(`input '${t.name}' has shape [${t.shape.join(', ')}]: one column per input, shape [rows] or [rows, 1]`);
    const data = flatten(t.data);
    if (data.length !== n) throw badRequest(`input '${t.name}' has shape [${t.shape.join(', ')}] but ${data.length} data values`);
    if (rows !== undefined && n !== rows)
      throw badRequest(`input '${t.name}' has ${n} rows, input '${rowsFrom}' ${rows}: every input needs one value per row`);
    rows = n;
    rowsFrom = t.name;
    const type = types.get(t.name);
    if (type !== undefined && !accepts(type, t.datatype))
      throw badRequest(
        `input '${t.name}' has datatype ${t.datatype}, but the model's column '${t.name}' holds ${type} values (send ${datatypeOf(type)})`,
      );
    data.forEach((v, i) => {
      const ok =
        v === null ||
        (t.datatype === 'BYTES' ? typeof v === 'string' : t.datatype === 'BOOL' ? typeof v === 'boolean' : typeof v === 'number');
      if (!ok) throw badRequest(`input '${t.name}', row ${i}: ${JSON.stringify(v)} is not a ${t.datatype} value`);
    });
    columns.set(t.name, data);
  }
  return { rows: rows ?? 0, columns };
}

/** Output tensors for the scores, filtered to `wanted` when the request names outputs. */
export function inferOutputs(model: LoadedModel, scores: Scores, wanted?: { name: string }[]): V2Tensor[] {
  const n = scores.rows;
  const a = model.artifact;
  const all: V2Tensor[] =
    a.task === 'regression'
      ? [{ name: 'prediction', datatype: 'FP64', shape: [n], data: Array.from(scores.values) }]
      : [
          { name: 'label', datatype: 'BYTES', shape: [n], data: scores.labels ?? [] },
          {
            name: 'probabilities',
            datatype: 'FP64',
            shape: [n, a.classes.length],
            data: Array.from(scores.proba ?? []),
            parameters: { classes: a.classes },
          },
        ];
  if (!wanted || wanted.length === 0) return all;
  return wanted.map((w) => {
    const t = all.find((o) => o.name === w.name);
    if (!t) throw badRequest(`unknown output '${w.name}' (this model has ${all.map((o) => o.name).join(', ')})`);
    return t;
  });
}

/** Model metadata (GET /v2/models/{name}[/versions/{v}]). */
export function modelMetadata(name: string, version: number, model: LoadedModel): Record<string, unknown> {
  const a = model.artifact;
  return {
    name,
    versions: [String(version)],
    platform: 'tideflow',
    inputs: model.pipeline.inputs.map((c) => ({ name: c.name, datatype: datatypeOf(c.type), shape: [-1] })),
    outputs:
      a.task === 'regression'
        ? [{ name: 'prediction', datatype: 'FP64', shape: [-1] }]
        : [
            { name: 'label', datatype: 'BYTES', shape: [-1] },
            { name: 'probabilities', datatype: 'FP64', shape: [-1, a.classes.length] },
          ],
    parameters: { task: a.task, target: a.target, ...(a.task !== 'regression' && { classes: a.classes }) },
  };
}
