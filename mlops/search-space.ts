/**
 * Declared hyperparameter search spaces and their expansion into trials (docs/ml-models.md).
 *
 * A space is one or more estimator entries `{ kind, params }`; each param is either a list of
 * values (grid or random search) or a range `{ low, high, log?, int? }` (random search only).
 * Params left out take the estimator's defaults. Every value is checked against the kind's
 * hyperparameter table before any trial runs, so a typo fails the DAG at once, by name.
 *
 * - grid: the Cartesian product of each entry's lists (keys in alphabetical order, the last
 *   varying fastest, as sklearn's ParameterGrid), entries one after another; refused above
 *   `maxTrials` (default 1000).
 * - random: seeded. When every param of every entry is a list, `trials` distinct grid points
 *   (sampled without replacement, as sklearn's ParameterSampler; the whole grid if it is smaller);
 *   otherwise each trial takes the entries in turn and samples each param independently: a list
 *   uniformly, a range uniformly (log: log-uniformly; int: integers low..high inclusive).
 */
import { z } from 'zod';
import { throwsAsIssue } from '../core/zod-refine';
import { ESTIMATOR_KINDS, HYPERPARAMS, validateHyperparams } from '../ml/estimators/hyperparams';
import { EstimatorInputError, type EstimatorKind, type HyperparamValue, type Hyperparams } from '../ml/estimators/types';
import { createRng } from '../ml/stats/random';

export interface ParamRange {
  low: number;
  high: number;
  log?: boolean;
  int?: boolean;
}

export type ParamDomain = HyperparamValue[] | ParamRange;

export interface EstimatorSpace {
  kind: EstimatorKind;
  params: Record<string, ParamDomain>;
  /** The named feature pipeline this entry's trials use (the DAG's `pipelines` param); absent: the default one. */
  pipeline?: string;
}

export type SearchSpace = EstimatorSpace[];

export type SearchStrategy = 'grid' | 'random';

export interface TrialConfig {
  /** Position in the expansion; the tie-break when two trials score the same. */
  index: number;
  kind: EstimatorKind;
  /** The declared hyperparameters of this trial (defaults are filled in at fit time). */
  hyperparams: Hyperparams;
  /** Its entry's named feature pipeline, when it declares one. */
  pipeline?: string;
}

export interface ExpandOptions {
  strategy: SearchStrategy;
  /** Random search: number of trials (required). */
  trials?: number;
  seed?: number;
  /** Most trials allowed; default 1000. */
  maxTrials?: number;
}

export const DEFAULT_MAX_TRIALS = 1000;

const isRange = (d: ParamDomain): d is ParamRange => !Array.isArray(d);

const fail = (message: string): never => {
  throw new EstimatorInputError(message);
};

/** Checks every declared param against its kind's table; throws naming the entry and key. */
export function checkSearchSpace(space: SearchSpace): void {
  if (space.length === 0) fail('the search space has no estimator entries');
  space.forEach((entry, e) => {
    const table = HYPERPARAMS[entry.kind];
    if (!table) fail(`search space entry ${e}: unknown estimator kind '${String(entry.kind)}' (known: ${ESTIMATOR_KINDS.join(', ')})`);
    const where = `search space entry ${e} (${entry.kind})`;
    if ('C' in entry.params && 'l2' in entry.params && entry.kind === 'logistic_regression')
      fail(`${where}: give either 'C' or 'l2', not both`);
    for (const [key, domain] of Object.entries(entry.params)) {
      const spec = table[key];
      if (!spec) fail(`${where}: unknown ${entry.kind} hyperparameter '${key}' (known: ${Object.keys(table).join(', ')})`);
      const check = (v: HyperparamValue): void => {
        try {
          validateHyperparams(entry.kind, { [key]: v });
        } catch (err) {
          fail(`${where}: ${(err as Error).message}`);
        }
      };
      if (!isRange(domain)) {
        if (domain.length === 0) fail(`${where}: '${key}' has an empty list of values`);
        domain.forEach(check);
        continue;
      }
      if (spec?.type === 'boolean') fail(`${where}: '${key}' is true/false; give a list, not a range`);
      if (!(Number.isFinite(domain.low) && Number.isFinite(domain.high) && domain.low < domain.high))
        fail(`${where}: range of '${key}' needs finite low < high, got ${domain.low}..${domain.high}`);
      if (domain.log && !(domain.low > 0)) fail(`${where}: log range of '${key}' needs low > 0, got ${domain.low}`);
      if (spec?.type === 'integer' && !domain.int) fail(`${where}: '${key}' is an integer hyperparameter; its range needs "int": true`);
      if (domain.int && !(Number.isInteger(domain.low) && Number.isInteger(domain.high)))
        fail(`${where}: integer range of '${key}' needs integer bounds, got ${domain.low}..${domain.high}`);
      check(domain.low);
      if (domain.int) check(domain.high);
      else if (spec?.type === 'number' && spec.max !== undefined && domain.high > spec.max) check(domain.high);
    }
  });
}

const pipelineOf = (entry: EstimatorSpace): { pipeline?: string } => (entry.pipeline !== undefined ? { pipeline: entry.pipeline } : {});

const sortedKeys = (entry: EstimatorSpace): string[] => Object.keys(entry.params).sort();

function entryGridSize(entry: EstimatorSpace): number {
  return sortedKeys(entry).reduce((n, k) => n * (entry.params[k] as HyperparamValue[]).length, 1);
}

/** Grid point j of an entry: keys alphabetical, the last varying fastest. */
function gridPoint(entry: EstimatorSpace, j: number): Hyperparams {
  const keys = sortedKeys(entry);
  const hp: Hyperparams = {};
  for (let k = keys.length - 1; k >= 0; k--) {
    const key = keys[k] as string;
    const values = entry.params[key] as HyperparamValue[];
    hp[key] = values[j % values.length] as HyperparamValue;
    j = Math.floor(j / values.length);
  }
  return Object.fromEntries(keys.map((k) => [k, hp[k] as HyperparamValue]));
}

/** Global grid index → trial, entries one after another. */
function gridTrial(space: SearchSpace, sizes: number[], g: number, index: number): TrialConfig {
  let e = 0;
  while (g >= (sizes[e] as number)) g -= sizes[e++] as number;
  const entry = space[e] as EstimatorSpace;
  return { index, kind: entry.kind, hyperparams: gridPoint(entry, g), ...pipelineOf(entry) };
}

function sampleDomain(d: ParamDomain, rand: () => number): HyperparamValue {
  if (!isRange(d)) return d[Math.floor(rand() * d.length)] as HyperparamValue;
  const r = rand();
  if (d.int) {
    if (!d.log) return d.low + Math.floor(r * (d.high - d.low + 1));
    return Math.min(d.high, Math.floor(Math.exp(Math.log(d.low) + r * (Math.log(d.high + 1) - Math.log(d.low)))));
  }
  return d.log ? Math.exp(Math.log(d.low) + r * (Math.log(d.high) - Math.log(d.low))) : d.low + r * (d.high - d.low);
}

/** 0..n−1 in a seeded random order (Fisher–Yates). */
function shuffledIndices(n: number, rand: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}

/** Floyd's algorithm: `m` distinct integers in 0..n−1 without materialising 0..n−1, ascending. */
function sampleWithoutReplacement(n: number, m: number, rand: () => number): number[] {
  const chosen = new Set<number>();
  for (let j = n - m; j < n; j++) {
    const t = Math.floor(rand() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}

export function expandSearch(space: SearchSpace, o: ExpandOptions): TrialConfig[] {
  checkSearchSpace(space);
  const cap = o.maxTrials ?? DEFAULT_MAX_TRIALS;
  const allLists = space.every((e) => Object.values(e.params).every((d) => !isRange(d)));
  const sizes = allLists ? space.map(entryGridSize) : [];
  const total = sizes.reduce((s, n) => s + n, 0);
  let trials: TrialConfig[];
  if (o.strategy === 'grid') {
    for (const entry of space) {
      const range = Object.entries(entry.params).find(([, d]) => isRange(d));
      if (range)
        fail(
          `grid search needs a list of values for every hyperparameter; ${entry.kind} '${range[0]}' is a range (use random search, or list the values)`,
        );
    }
    if (total > cap) {
      const detail = space
        .map(
          (e) =>
            `${e.kind}: ${
              sortedKeys(e)
                .map((k) => `${k} ${(e.params[k] as HyperparamValue[]).length}`)
                .join(' × ') || '1'
            }`,
        )
        .join('; ');
      fail(`the grid has ${total} combinations (${detail}), over the cap of ${cap} trials; shrink the lists or use random search`);
    }
    trials = Array.from({ length: total }, (_, g) => gridTrial(space, sizes, g, g));
  } else if (o.strategy === 'random') {
    const n = o.trials;
    if (n === undefined || !Number.isInteger(n) || n < 1) fail(`random search needs 'trials', an integer ≥ 1, got ${String(n)}`);
    if ((n as number) > cap) fail(`random search asks for ${n} trials, over the cap of ${cap}`);
    const rand = createRng(o.seed ?? 0);
    if (allLists) {
      const picks =
        (n as number) >= total ? Array.from({ length: total }, (_, g) => g) : sampleWithoutReplacement(total, n as number, rand);
      trials = picks.map((g, index) => gridTrial(space, sizes, g, index));
    } else {
      // Entries take turns. An entry of lists only deals its grid points without replacement (a
      // seeded shuffle, dealt again if it runs out), as sklearn's ParameterSampler does for a grid,
      // so no trial repeats another while unseen points remain; ranges are sampled.
      const decks = space.map((entry) =>
        Object.values(entry.params).every((d) => !isRange(d)) ? shuffledIndices(entryGridSize(entry), rand) : null,
      );
      trials = Array.from({ length: n as number }, (_, index) => {
        const e = index % space.length;
        const entry = space[e] as EstimatorSpace;
        const deck = decks[e];
        if (deck)
          return {
            index,
            kind: entry.kind,
            hyperparams: gridPoint(entry, deck[Math.floor(index / space.length) % deck.length] as number),
            ...pipelineOf(entry),
          };
        return {
          index,
          kind: entry.kind,
          hyperparams: Object.fromEntries(sortedKeys(entry).map((k) => [k, sampleDomain(entry.params[k] as ParamDomain, rand)])),
          ...pipelineOf(entry),
        };
      });
    }
  } else {
    return fail(`unknown search strategy '${String(o.strategy)}' (grid or random)`);
  }
  for (const t of trials) {
    try {
      validateHyperparams(t.kind, t.hyperparams);
    } catch (err) {
      fail(`trial ${t.index} (${t.kind} ${JSON.stringify(t.hyperparams)}): ${(err as Error).message}`);
    }
  }
  return trials;
}

const rangeSchema = z.strictObject({ low: z.number(), high: z.number(), log: z.boolean().optional(), int: z.boolean().optional() });
const domainSchema = z.union([z.array(z.union([z.number(), z.string(), z.boolean()])).min(1), rangeSchema]);
const entrySchema = z.strictObject({
  kind: z.enum(ESTIMATOR_KINDS as [EstimatorKind, ...EstimatorKind[]]),
  params: z.record(z.string(), domainSchema).default({}),
  pipeline: z.string().min(1).optional(),
});

/**
 * zod schema of a search space as a DAG param: one entry or a list of entries; the values are
 * checked against the hyperparameter tables (the error names the entry and key).
 */
export const searchSpaceSchema = z
  .preprocess((v) => (Array.isArray(v) ? v : [v]), z.array(entrySchema).min(1))
  .superRefine(throwsAsIssue(checkSearchSpace));

export const searchStrategySchema = z.enum(['grid', 'random']);

/** A whole search declaration: strategy, space, and for random search the trial count and seed. */
export const searchSpecSchema = z
  .strictObject({
    strategy: searchStrategySchema,
    space: searchSpaceSchema,
    trials: z.number().int().min(1).optional(),
    seed: z.number().int().optional(),
    maxTrials: z.number().int().min(1).optional(),
  })
  .superRefine((s, ctx) => {
    if (s.strategy === 'random' && s.trials === undefined)
      ctx.addIssue({ code: 'custom', path: ['trials'], message: "random search needs 'trials'" });
  });

export type SearchSpec = z.infer<typeof searchSpecSchema>;
