/**
 * Per-column drift decisions with Evidently's defaults, and dataset drift.
 *
 * | reference rows | column                                   | method        | drifted when          |
 * |----------------|------------------------------------------|---------------|-----------------------|
 * | ≤ 1000         | numeric, > 5 unique                      | ks            | p ≤ 0.05              |
 * | ≤ 1000         | numeric 3–5 unique, or categorical > 2   | chisquare     | p < 0.05              |
 * | ≤ 1000         | ≤ 2 unique                               | z             | p < 0.05              |
 * | > 1000         | numeric, > 5 unique                      | wasserstein   | W/std(ref) ≥ 0.1      |
 * | > 1000         | otherwise                                | jensenshannon | distance ≥ 0.1        |
 * PSI is available on request (method 'psi', drifted when PSI ≥ 0.1).
 * "unique" counts distinct non-missing values over reference and current together, as Evidently does.
 * The dataset drifts when drifted columns / columns ≥ `driftShare` (default 0.5).
 */
import { chiSquareTest, proportionZTest, type Category } from './categorical';
import { jensenShannonCategorical, jensenShannonNumeric, normalizedWasserstein, psi } from './distance';
import { ks2samp } from './ks';

export type DriftMethod = 'ks' | 'chisquare' | 'z' | 'wasserstein' | 'jensenshannon' | 'psi';
export type ColumnKind = 'numeric' | 'categorical';

export const DEFAULT_THRESHOLDS: Record<DriftMethod, number> = {
  ks: 0.05,
  chisquare: 0.05,
  z: 0.05,
  wasserstein: 0.1,
  jensenshannon: 0.1,
  psi: 0.1,
};

/** Methods whose score is a p-value (smaller = more drift); the others are distances. */
export const P_VALUE_METHODS: ReadonlySet<DriftMethod> = new Set(['ks', 'chisquare', 'z']);

export interface ColumnData {
  name: string;
  kind: ColumnKind;
  reference: ReadonlyArray<Category | null | undefined>;
  current: ReadonlyArray<Category | null | undefined>;
}

export interface ColumnOptions {
  method?: DriftMethod;
  threshold?: number;
}

export interface ColumnDrift {
  column: string;
  kind: ColumnKind;
  method: DriftMethod;
  /** p-value for ks/chisquare/z, distance for the others. */
  score: number;
  statistic: number;
  threshold: number;
  drifted: boolean;
  referenceRows: number;
  currentRows: number;
  /** chisquare only: categories present in current data and never in the reference. */
  unseenCategories?: string[];
}

const present = (v: Category | null | undefined): v is Category =>
  v !== null && v !== undefined && !(typeof v === 'number' && Number.isNaN(v));

export function defaultMethod(kind: ColumnKind, referenceRows: number, uniqueValues: number): DriftMethod {
  if (referenceRows <= 1000) {
    if (kind === 'numeric' && uniqueValues > 5) return 'ks';
    return uniqueValues > 2 ? 'chisquare' : 'z';
  }
  return kind === 'numeric' && uniqueValues > 5 ? 'wasserstein' : 'jensenshannon';
}

export function isDrifted(method: DriftMethod, score: number, threshold: number): boolean {
  if (method === 'ks') return score <= threshold;
  if (P_VALUE_METHODS.has(method)) return score < threshold;
  return score >= threshold;
}

function asNumbers(values: readonly Category[], column: string): number[] {
  return values.map((v) => {
    const n = typeof v === 'number' ? v : Number(v);
    if (!Number.isFinite(n)) throw new Error(`column ${column}: non-numeric value ${String(v)} in a numeric column`);
    return n;
  });
}

export function columnDrift(col: ColumnData, options: ColumnOptions = {}): ColumnDrift {
  const ref = col.reference.filter(present);
  const cur = col.current.filter(present);
  if (ref.length === 0 || cur.length === 0) throw new Error(`column ${col.name}: reference and current need at least one value`);
  const unique = new Set([...ref, ...cur].map(String)).size;
  const method = options.method ?? defaultMethod(col.kind, ref.length, unique);
  const threshold = options.threshold ?? DEFAULT_THRESHOLDS[method];
  const numeric = (): [number[], number[]] => [asNumbers(ref, col.name), asNumbers(cur, col.name)];
  let score: number;
  let statistic: number;
  let unseenCategories: string[] | undefined;
  switch (method) {
    case 'ks': {
      const r = ks2samp(...numeric());
      [score, statistic] = [r.pValue, r.statistic];
      break;
    }
    case 'chisquare': {
      const r = chiSquareTest(ref, cur);
      [score, statistic, unseenCategories] = [r.pValue, r.statistic, r.unseenInReference];
      break;
    }
    case 'z': {
      const r = proportionZTest(ref, cur);
      [score, statistic] = [r.pValue, r.statistic];
      break;
    }
    case 'wasserstein':
      score = statistic = normalizedWasserstein(...numeric());
      break;
    case 'jensenshannon':
      score = statistic = col.kind === 'numeric' ? jensenShannonNumeric(...numeric()) : jensenShannonCategorical(ref, cur);
      break;
    case 'psi':
      score = statistic = psi(...numeric()).psi;
      break;
  }
  return {
    column: col.name,
    kind: col.kind,
    method,
    score,
    statistic,
    threshold,
    drifted: isDrifted(method, score, threshold),
    referenceRows: ref.length,
    currentRows: cur.length,
    ...(unseenCategories ? { unseenCategories } : {}),
  };
}

export interface DatasetDriftOptions {
  /** Share of drifted columns at or above which the dataset drifts (default 0.5). */
  driftShare?: number;
  columns?: Record<string, ColumnOptions>;
}

export interface DatasetDrift {
  columns: ColumnDrift[];
  driftedColumns: number;
  share: number;
  driftShare: number;
  drifted: boolean;
}

export function datasetDrift(columns: ColumnData[], options: DatasetDriftOptions = {}): DatasetDrift {
  const driftShare = options.driftShare ?? 0.5;
  const results = columns.map((c) => columnDrift(c, options.columns?.[c.name] ?? {}));
  const driftedColumns = results.filter((r) => r.drifted).length;
  const share = results.length === 0 ? 0 : driftedColumns / results.length;
  return { columns: results, driftedColumns, share, driftShare, drifted: results.length > 0 && share >= driftShare };
}
