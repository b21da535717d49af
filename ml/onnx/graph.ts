/**
 * A small builder over the ONNX protobuf schema (onnx-proto, protobufjs-generated): fresh value
 * names, constant initializers, nodes with typed attributes, graph inputs and outputs. Every other
 * file of ml/onnx adds its part of the one exported graph through it; nothing here knows Tideflow.
 */
import { onnx } from 'onnx-proto';

export const ML_DOMAIN = 'ai.onnx.ml';
export const DataType = onnx.TensorProto.DataType;
export type ElemType = onnx.TensorProto.DataType;

/** An attribute value; `double` marks a tensor attribute (`*_as_tensor`) holding float64 values. */
export type Attr =
  | { kind: 'int'; value: number }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'float'; value: number }
  | { kind: 'floats'; value: readonly number[] }
  | { kind: 'string'; value: string }
  | { kind: 'strings'; value: readonly string[] }
  | { kind: 'doubles'; value: readonly number[] };

export const attr = {
  int: (value: number): Attr => ({ kind: 'int', value }),
  ints: (value: readonly number[]): Attr => ({ kind: 'ints', value }),
  float: (value: number): Attr => ({ kind: 'float', value }),
  floats: (value: readonly number[]): Attr => ({ kind: 'floats', value }),
  string: (value: string): Attr => ({ kind: 'string', value }),
  strings: (value: readonly string[]): Attr => ({ kind: 'strings', value }),
  /** A 1-D double tensor attribute (the `_as_tensor` attributes of ai.onnx.ml tree ensembles). */
  doubles: (value: readonly number[]): Attr => ({ kind: 'doubles', value }),
};

const utf8 = new TextEncoder();

/** A tensor proto; doubles and int64s as raw little-endian bytes (exact, NaN included, compact). */
export function tensorProto(
  name: string,
  type: ElemType,
  dims: readonly number[],
  values: readonly (number | string)[],
): onnx.ITensorProto {
  const t: onnx.ITensorProto = { name, dataType: type, dims: [...dims] };
  if (type === DataType.STRING) {
    t.stringData = values.map((v) => utf8.encode(String(v)));
    return t;
  }
  const n = values.length;
  const buf = new ArrayBuffer(n * (type === DataType.FLOAT ? 4 : 8));
  const view = new DataView(buf);
  values.forEach((v, i) => {
    const x = Number(v);
    if (type === DataType.DOUBLE) view.setFloat64(i * 8, x, true);
    else if (type === DataType.FLOAT) view.setFloat32(i * 4, x, true);
    else if (type === DataType.INT64) view.setBigInt64(i * 8, BigInt(x), true);
    else throw new Error(`tensorProto: element type ${type} is not written by this builder`);
  });
  t.rawData = new Uint8Array(buf);
  return t;
}

function attributeProto(name: string, a: Attr): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  switch (a.kind) {
    case 'int':
      return { name, type: T.INT, i: a.value };
    case 'ints':
      return { name, type: T.INTS, ints: [...a.value] };
    case 'float':
      return { name, type: T.FLOAT, f: a.value };
    case 'floats':
      return { name, type: T.FLOATS, floats: [...a.value] };
    case 'string':
      return { name, type: T.STRING, s: utf8.encode(a.value) };
    case 'strings':
      return { name, type: T.STRINGS, strings: a.value.map((s) => utf8.encode(s)) };
    case 'doubles':
      return { name, type: T.TENSOR, t: tensorProto(name, DataType.DOUBLE, [a.value.length], a.value) };
  }
}

/** A value's declared type: element type and dims (a string names a symbolic dimension, e.g. 'N'). */
export interface ValueType {
  elem: ElemType;
  dims: readonly (number | string)[];
}

function valueInfo(name: string, t: ValueType, doc?: string): onnx.IValueInfoProto {
  return {
    name,
    ...(doc && { docString: doc }),
    type: {
      tensorType: {
        elemType: t.elem,
        shape: { dim: t.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  readonly inputs: onnx.IValueInfoProto[] = [];
  readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  private counter = 0;

  /** A value name not used before, readable in a graph viewer (`prefix_N`). */
  fresh(prefix: string): string {
    const base = prefix.replace(/[^A-Za-z0-9_]/g, '_');
    let name: string;
    do name = `${base}_${this.counter++}`;
    while (this.used.has(name));
    this.used.add(name);
    return name;
  }

  /** Reserve an exact name (a graph input or output), refusing a clash. */
  reserve(name: string): string {
    if (this.used.has(name)) throw new Error(`onnx graph: the name '${name}' is used twice`);
    this.used.add(name);
    return name;
  }

  input(name: string, t: ValueType, doc?: string): string {
    this.inputs.push(valueInfo(this.reserve(name), t, doc));
    return name;
  }

  /** Declare `value` as a graph output named `name` (through Identity when the names differ). */
  output(name: string, value: string, t: ValueType, doc?: string): void {
    if (value !== name) this.op('Identity', [value], {}, { outputs: [this.reserve(name)] });
    this.outputs.push(valueInfo(name, t, doc));
  }

  constant(type: ElemType, dims: readonly number[], values: readonly (number | string)[], prefix = 'const'): string {
    const name = this.fresh(prefix);
    this.initializers.push(tensorProto(name, type, dims, values));
    return name;
  }

  doubles(values: readonly number[], dims: readonly number[] = [values.length], prefix = 'c'): string {
    return this.constant(DataType.DOUBLE, dims, values, prefix);
  }

  int64s(values: readonly number[], dims: readonly number[] = [values.length], prefix = 'i'): string {
    return this.constant(DataType.INT64, dims, values, prefix);
  }

  strings(values: readonly string[], dims: readonly number[] = [values.length], prefix = 's'): string {
    return this.constant(DataType.STRING, dims, values, prefix);
  }

  /** Add a node; returns its output names (fresh unless given). */
  op(
    type: string,
    inputs: readonly string[],
    attrs: Record<string, Attr> = {},
    o: { domain?: string; outputs?: readonly string[]; count?: number } = {},
  ): string[] {
    const outputs = o.outputs ? [...o.outputs] : Array.from({ length: o.count ?? 1 }, () => this.fresh(type));
    this.nodes.push({
      opType: type,
      ...(o.domain && { domain: o.domain }),
      name: this.fresh(`n_${type}`),
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(attrs).map(([k, a]) => attributeProto(k, a)),
    });
    return outputs;
  }

  /** A node with one output. */
  op1(type: string, inputs: readonly string[], attrs: Record<string, Attr> = {}, domain?: string): string {
    return this.op(type, inputs, attrs, domain ? { domain } : {})[0] as string;
  }
}
