/**
 * The flights case of issue 11 outside Tideflow's pipeline: flights-3m.parquet read whole (the
 * columns the flights benchmarks use, dates as epoch ms), and the rows of the ml-pipeline run
 * written as CSV for the scikit-learn side (its Python has no Parquet reader).
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { parquetRead } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { resolvePackageFile } from '../activities/ml/source';

export const FLIGHTS_SOURCE = 'npm:vega-datasets/data/flights-3m.parquet';

export interface Flights {
  date: Float64Array;
  delay: Float64Array;
  distance: Float64Array;
  origin: string[];
  destination: string[];
}

export async function readFlights(): Promise<Flights> {
  const bytes = readFileSync(resolvePackageFile(FLIGHTS_SOURCE.slice('npm:'.length)));
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const cols = new Map<string, unknown[]>();
  await parquetRead({
    file,
    compressors,
    columns: ['date', 'delay', 'distance', 'origin', 'destination'],
    onChunk: (c) => {
      const out = cols.get(c.columnName) ?? [];
      for (let i = 0; i < c.columnData.length; i++) out[c.rowStart + i] = c.columnData[i];
      cols.set(c.columnName, out);
    },
  });
  const num = (name: string): Float64Array =>
    Float64Array.from(cols.get(name) ?? [], (v) => (v instanceof Date ? v.getTime() : typeof v === 'bigint' ? Number(v) : (v as number)));
  return {
    date: num('date'),
    delay: num('delay'),
    distance: num('distance'),
    origin: (cols.get('origin') ?? []) as string[],
    destination: (cols.get('destination') ?? []) as string[],
  };
}

/**
 * Rows of January–April 2001 (UTC) whose day of the month is at most `maxDay` (31: all) — the
 * same rows as the run's filter (flightsFilter) — as CSV; returns the number of rows written.
 */
export async function writeFlightsCsv(f: Flights, path: string, maxDay: number): Promise<number> {
  const out = createWriteStream(path);
  out.write('date,delay,distance,origin,destination\n');
  let n = 0;
  let chunk = '';
  for (let i = 0; i < f.date.length; i++) {
    const d = new Date(f.date[i] as number);
    if (d.getUTCFullYear() !== 2001 || d.getUTCMonth() >= 4 || d.getUTCDate() > maxDay) continue;
    chunk += `${f.date[i]},${f.delay[i]},${f.distance[i]},${f.origin[i] ?? ''},${f.destination[i] ?? ''}\n`;
    if (++n % 50_000 === 0) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
  return n;
}

/** The run's extra filter predicate that keeps the same rows as writeFlightsCsv's `maxDay` (none at 31). */
export const dayFilter = (maxDay: number): string[] => (maxDay >= 31 ? [] : [`op.utcdate(d.date) <= ${maxDay}`]);
