/**
 * Join labels that arrive later to the prediction log, by request id (and row index). A labels
 * table has `request_id`, the label column, and optionally `row_index` (the row within the
 * request; without it, a label applies to every row of its request — the usual one-row request).
 * The result, for one log file, is the labels file written next to it: request_id, row_index and
 * the label, for the log's rows that have one.
 */
import { categoryAt, getColumn, takeRows, type Frame, type FrameColumn } from '../frame/frame';
import { InputError } from '../../core/errors';

export interface LabelIndex {
  labels: Frame;
  labelColumn: string;
  /** `request_id \0 row_index` (or `request_id \0 *`) → row of `labels`. */
  rows: Map<string, number>;
}

const key = (requestId: string, row: number | '*'): string => `${requestId}\u0000${row}`;

/** Index a labels table; a row without a request id, or a label column that is absent, is an error naming it. */
export function indexLabels(labels: Frame, labelColumn: string): LabelIndex {
  const ids = getColumn(labels, 'request_id');
  getColumn(labels, labelColumn);
  const rowCol = labels.columns.find((c) => c.name === 'row_index');
  const rows = new Map<string, number>();
  for (let i = 0; i < labels.rows; i++) {
    const id = categoryAt(ids, i);
    if (id === null) throw new InputError(`labels row ${i} has no request_id`);
    const r = rowCol ? categoryAt(rowCol, i) : null;
    rows.set(key(id, r === null ? '*' : Number(r)), i);
  }
  return { labels, labelColumn, rows };
}

/** The labels of `log`'s rows (request_id, row_index, label), or undefined when none has one. */
export function joinLabels(log: Frame, index: LabelIndex): Frame | undefined {
  const ids = getColumn(log, 'request_id');
  const rowIndex = getColumn(log, 'row_index');
  const logRows: number[] = [];
  const labelRows: number[] = [];
  for (let i = 0; i < log.rows; i++) {
    const id = categoryAt(ids, i) ?? '';
    const r = Number(categoryAt(rowIndex, i));
    const at = index.rows.get(key(id, r)) ?? index.rows.get(key(id, '*'));
    if (at === undefined) continue;
    logRows.push(i);
    labelRows.push(at);
  }
  if (logRows.length === 0) return undefined;
  const fromLog = takeRows({ rows: log.rows, columns: [ids, rowIndex] }, logRows);
  const label = getColumn(takeRows(index.labels, labelRows), index.labelColumn) as FrameColumn;
  return { rows: logRows.length, columns: [...fromLog.columns, label] };
}
