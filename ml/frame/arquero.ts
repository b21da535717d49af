/**
 * A Frame as an arquero table, for custom activities that want arquero's verbs (filter, derive,
 * groupby, join…) on a dataset artifact: `toArquero(await readDataset(store, ref))`. Missing cells
 * become null, timestamps Date objects; `fromArquero` types the columns back as ingest does.
 */
import * as aq from 'arquero';
import { columnFromValues, type Frame } from './frame';

export function toArquero(frame: Frame): aq.ColumnTable {
  const columns: Record<string, unknown[]> = {};
  for (const col of frame.columns) {
    if (col.type === 'string') columns[col.name] = col.values;
    else {
      const v = col.values;
      const out = new Array<unknown>(frame.rows);
      for (let i = 0; i < frame.rows; i++) {
        const x = v[i] as number;
        out[i] = Number.isNaN(x) ? null : col.type === 'timestamp' ? new Date(x) : col.type === 'boolean' ? x === 1 : x;
      }
      columns[col.name] = out;
    }
  }
  return aq.table(columns);
}

export function fromArquero(table: aq.ColumnTable, missingValues: readonly string[] = []): Frame {
  return {
    rows: table.numRows(),
    columns: table.columnNames().map((name) => columnFromValues(name, table.array(name) as ArrayLike<unknown> as unknown[], missingValues)),
  };
}
