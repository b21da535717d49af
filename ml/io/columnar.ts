/**
 * Columnar sources: Parquet (any codec hyparquet-compressors reads: Snappy, ZSTD, gzip, brotli,
 * LZ4) and Arrow IPC (file or stream), into arquero tables. 64-bit integers become numbers when
 * exact, otherwise the column is refused by name rather than silently rounded.
 */
import { InputError } from '../../core/errors';
import * as aq from 'arquero';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

export type BinaryFormat = 'parquet' | 'arrow';

function exactNumber(value: bigint, column: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new InputError(`column '${column}' holds ${value}, beyond exact double precision (2^53)`);
  return n;
}

/** Replace bigint cells with numbers, in place. */
function unBigInt(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  for (const row of rows) {
    for (const [k, v] of Object.entries(row)) if (typeof v === 'bigint') row[k] = exactNumber(v, k);
  }
  return rows;
}

export async function readBinaryTable(bytes: Uint8Array, format: BinaryFormat): Promise<aq.ColumnTable> {
  if (format === 'arrow') {
    const rows = aq.fromArrow(bytes).objects() as Record<string, unknown>[];
    return aq.from(unBigInt(rows));
  }
  // hyparquet wants an ArrayBuffer of exactly the file's bytes.
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const rows = (await parquetReadObjects({ file, compressors })) as Record<string, unknown>[];
  return aq.from(unBigInt(rows));
}
