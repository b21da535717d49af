/**
 * A Frame as Arrow IPC (file format) and back, with flechette (arquero's Arrow engine).
 * Types map one to one, so pandas, polars or DuckDB read our dataset artifacts as they are:
 *   number → float64 (NaN = missing), boolean → bool (null = missing),
 *   timestamp → timestamp[ms] (null = missing), string → dictionary<utf8> or, on request, utf8 (null = missing).
 * Reading also accepts Arrow files other tools wrote: any int/float → number, date/timestamp → timestamp.
 */
import { InputError } from '../../core/errors';
import * as arrow from '@uwdata/flechette';
import { columnFromValues, type Frame, type FrameColumn } from '../frame/frame';

function nullable(values: Float64Array, map: (v: number) => unknown = (v) => v): unknown[] {
  const out = new Array<unknown>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    out[i] = Number.isNaN(v) ? null : map(v);
  }
  return out;
}

export interface ArrowWriteOptions {
  /**
   * String columns written as plain utf8 instead of dictionary<utf8>: for mostly unique values
   * (request ids), where a dictionary saves nothing and costs several times the encoding time.
   */
  plainStrings?: readonly string[];
}

export function frameToArrow(frame: Frame, options: ArrowWriteOptions = {}): Uint8Array {
  const data: Record<string, unknown[] | Float64Array> = {};
  const types: Record<string, arrow.DataType> = {};
  for (const col of frame.columns) {
    if (col.type === 'number') {
      data[col.name] = col.values;
      types[col.name] = arrow.float64();
    } else if (col.type === 'boolean') {
      data[col.name] = nullable(col.values, (v) => v === 1);
      types[col.name] = arrow.bool();
    } else if (col.type === 'timestamp') {
      data[col.name] = nullable(col.values);
      types[col.name] = arrow.timestamp(arrow.TimeUnit.MILLISECOND);
    } else {
      data[col.name] = col.values;
      types[col.name] = options.plainStrings?.includes(col.name) ? arrow.utf8() : arrow.dictionary(arrow.utf8());
    }
  }
  const table = arrow.tableFromArrays(data, { types });
  const bytes = arrow.tableToIPC(table, { format: 'file' });
  if (!bytes) throw new Error('Arrow encoding produced no bytes');
  return bytes;
}

function toFloat(values: ArrayLike<unknown>, name: string, map: (v: unknown) => number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = v === null || v === undefined ? NaN : map(v);
    if (typeof v === 'bigint' && !Number.isSafeInteger(out[i]))
      throw new InputError(`column '${name}' holds ${v}, beyond exact double precision (2^53)`);
  }
  return out;
}

const asNumber = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : Number(v));

export function frameFromArrow(bytes: Uint8Array): Frame {
  const table = arrow.tableFromIPC(bytes, { useDate: false, useBigInt: true });
  const columns = table.schema.fields.map((field): FrameColumn => {
    const values = table.getChild(field.name).toArray() as ArrayLike<unknown>;
    const id = field.type.typeId;
    const T = arrow.Type;
    if (id === T.Int || id === T.Float || id === T.Decimal)
      return { name: field.name, type: 'number', values: toFloat(values, field.name, asNumber) };
    if (id === T.Bool) return { name: field.name, type: 'boolean', values: toFloat(values, field.name, (v) => (v ? 1 : 0)) };
    if (id === T.Timestamp || id === T.Date) return { name: field.name, type: 'timestamp', values: toFloat(values, field.name, asNumber) };
    if (id === T.Utf8 || id === T.LargeUtf8 || id === T.Utf8View) {
      return { name: field.name, type: 'string', values: Array.from(values, (v) => (v === null || v === undefined ? null : String(v))) };
    }
    // Anything else (lists, structs, …) is typed from its values like any other source.
    return columnFromValues(field.name, Array.from(values));
  });
  return { rows: table.numRows, columns };
}
