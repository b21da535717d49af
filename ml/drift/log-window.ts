/**
 * A production window from a model's prediction log (pure): the rows of one day partition
 * (serve/prediction-log.ts writes `predictions/<model>/dt=YYYY-MM-DD/<time>-<uuid>.arrow`), with the
 * labels that arrived later (`tideflow predictions label` writes `_<file>.labels.arrow` next to a log
 * file: request_id, row_index, label) attached by request id and row index.
 *
 * A window is one model version's rows: its reference profile and its test metrics are the
 * baseline, and mixing versions would compare one model's predictions with another's metrics.
 * `'served'` picks the version that answered the most rows of the partition (ties: the newer), so a
 * day with a promotion (or a canary) is judged on its main version; the other versions' rows are
 * counted in `versions`, not compared.
 *
 * A busy day is sampled: past `maxRows` rows of the version, the window is the `maxRows` rows with the
 * smallest hash of (request id, row index) — a uniform sample without replacement that a retry or a
 * rerun draws again identically, and that does not depend on which rows have labels yet.
 *
 * Rows keep the log's columns — request_id, row_index, scored_at, model, model_version, the model's
 * input columns (training names), prediction, proba_<class> — plus the label column and, for
 * classifiers, `probabilities` ({class: probability}, what performance.probabilityColumn reads for
 * roc_auc / log_loss on any number of classes).
 */
import { InputError } from '../../core/errors';
import { categoryAt, cellAt, frameToRows, getColumn, takeRows, type Frame, type Row } from '../frame/frame';

export interface LogFile {
  key: string;
  log: Frame;
  /** The labels file joined to it, when there is one. */
  labels?: Frame;
}

export type WindowVersion = 'served' | number;

export interface LogWindow {
  rows: Row[];
  version: number;
  /** Rows of the partition per model version (all of them, the chosen one included). */
  versions: Record<string, number>;
  files: number;
  labelFiles: number;
  /** The label column(s) the labels files hold (the CLI's --label-column). */
  labelColumns: string[];
  /** Rows of the window (the chosen version) that carry a label. */
  labeledRows: number;
  /** When the version answered more than `maxRows` rows: how many; `rows` is then a sample of them. */
  sampledFrom?: number;
}

/** Column of the {class: probability} object built from the proba_<class> columns. */
export const PROBABILITIES_COLUMN = 'probabilities';
const PROBA_PREFIX = 'proba_';
const LABELS_KEYS = new Set(['request_id', 'row_index']);

const rowKey = (requestId: string, rowIndex: string): string => `${requestId}\u0000${rowIndex}`;

/** request_id + row_index → label, and the label column's name (the one column besides the keys). */
function labelIndex(file: LogFile): { column: string; values: Map<string, unknown> } | undefined {
  const labels = file.labels;
  if (!labels) return undefined;
  const others = labels.columns.filter((c) => !LABELS_KEYS.has(c.name));
  if (others.length !== 1)
    throw new InputError(
      `labels of ${file.key}: expected request_id, row_index and one label column, got ${labels.columns.map((c) => c.name).join(', ')}`,
    );
  const label = others[0] as Frame['columns'][number];
  if (file.log.columns.some((c) => c.name === label.name))
    throw new InputError(
      `labels of ${file.key}: the label column '${label.name}' is also a column of the log (label it under another name)`,
    );
  const ids = getColumn(labels, 'request_id');
  const rowIndex = getColumn(labels, 'row_index');
  const values = new Map<string, unknown>();
  for (let i = 0; i < labels.rows; i++) values.set(rowKey(categoryAt(ids, i) ?? '', categoryAt(rowIndex, i) ?? ''), cellAt(label, i));
  return { column: label.name, values };
}

/** The version that answered the most rows (ties: the newer one). */
export function servedVersion(versions: Readonly<Record<string, number>>): number | undefined {
  let best: number | undefined;
  for (const [v, n] of Object.entries(versions)) {
    const version = Number(v);
    const bestRows = best === undefined ? -1 : (versions[String(best)] ?? 0);
    if (n > bestRows || (n === bestRows && version > (best ?? 0))) best = version;
  }
  return best;
}

function addProbabilities(row: Row, classes: readonly string[]): void {
  const map: Record<string, number> = {};
  for (const cls of classes) {
    const p = row[`${PROBA_PREFIX}${cls}`];
    if (typeof p !== 'number') return;
    map[cls] = p;
  }
  row[PROBABILITIES_COLUMN] = map;
}

/** FNV-1a, 32 bits: a stable hash of a row's key for sampling. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Per file, the rows of `version` to keep: all of them, or the `maxRows` smallest hashes overall. */
function keptRows(files: readonly LogFile[], version: number, maxRows: number): { kept: number[][]; total: number } {
  const candidates = files.map((file) => {
    const col = getColumn(file.log, 'model_version');
    const out: number[] = [];
    for (let i = 0; i < file.log.rows; i++) if (cellAt(col, i) === version) out.push(i);
    return out;
  });
  const total = candidates.reduce((n, c) => n + c.length, 0);
  if (total <= maxRows) return { kept: candidates, total };
  const hashes = files.map((file, f) => {
    const ids = getColumn(file.log, 'request_id');
    const rowIndex = getColumn(file.log, 'row_index');
    return Uint32Array.from(candidates[f] as number[], (i) => hash32(rowKey(categoryAt(ids, i) ?? '', categoryAt(rowIndex, i) ?? '')));
  });
  const all = new Uint32Array(total);
  let at = 0;
  for (const h of hashes) {
    all.set(h, at);
    at += h.length;
  }
  const cut = all.sort()[maxRows - 1] as number;
  let atCut = maxRows - all.subarray(0, maxRows).filter((x) => x < cut).length;
  const kept = candidates.map((rows, f) =>
    rows.filter((_, j) => {
      const h = (hashes[f] as Uint32Array)[j] as number;
      if (h < cut) return true;
      if (h > cut || atCut === 0) return false;
      atCut--; // a tie at the cut: the first ones, in file order
      return true;
    }),
  );
  return { kept, total };
}

/**
 * The window of `version` from a partition's log files (`where` names the partition in errors),
 * at most `maxRows` rows of it (a sample, see above).
 */
export function logWindow(files: readonly LogFile[], version: WindowVersion, where: string, maxRows = Infinity): LogWindow {
  const versions: Record<string, number> = {};
  const perFile = files.map((file) => {
    const col = getColumn(file.log, 'model_version');
    for (let i = 0; i < file.log.rows; i++) {
      const v = String(cellAt(col, i));
      versions[v] = (versions[v] ?? 0) + 1;
    }
    return { file, labels: labelIndex(file) };
  });
  const chosen = version === 'served' ? servedVersion(versions) : version;
  if (chosen === undefined) throw new InputError(`${where} holds no rows`);
  if (!versions[String(chosen)])
    throw new InputError(
      `${where} has no rows answered by version ${chosen} (versions: ${Object.entries(versions)
        .map(([v, n]) => `v${v} ${n} rows`)
        .join(', ')})`,
    );
  const { kept, total } = keptRows(files, chosen, maxRows);
  const rows: Row[] = [];
  const labelColumns = new Set<string>();
  let labeledRows = 0;
  perFile.forEach(({ file, labels }, f) => {
    if (labels) labelColumns.add(labels.column);
    const classes = file.log.columns.filter((c) => c.name.startsWith(PROBA_PREFIX)).map((c) => c.name.slice(PROBA_PREFIX.length));
    for (const row of frameToRows(takeRows(file.log, kept[f] as number[]))) {
      if (classes.length > 0) addProbabilities(row, classes);
      const label = labels?.values.get(rowKey(String(row['request_id']), String(row['row_index'])));
      if (labels && label !== undefined && label !== null) {
        row[labels.column] = label;
        labeledRows++;
      }
      rows.push(row);
    }
  });
  return {
    rows,
    version: chosen,
    versions,
    files: files.length,
    labelFiles: files.filter((f) => f.labels).length,
    labelColumns: [...labelColumns].sort(),
    labeledRows,
    ...(total > rows.length && { sampledFrom: total }),
  };
}
