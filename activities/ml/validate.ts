/**
 * validate: the dataset has the columns the model needs, the target has at least two
 * classes, and enough complete rows remain once rows with a missing value are dropped.
 * Writes the cleaned dataset (model columns only, numeric features as numbers).
 * A proper data-validation suite (schemas, ranges, distribution checks) is a later issue.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { TaskContext } from '../context';
import { readRows } from './artifacts';
import { cleanRows, countClasses } from './lib/clean';
import { putArtifact, runArtifactKey, type StoreProvider } from './store';
import type { DatasetRef, FeatureSpec } from './types';

export interface ValidateInput {
  dataset: DatasetRef;
  target: string;
  features: FeatureSpec;
  minRows: number;
  /** Strings that mean "no value" besides blanks, e.g. 'NA', '.'. */
  missingValues: string[];
}

export interface ValidateOutput {
  dataset: DatasetRef;
  rowsIn: number;
  rowsOut: number;
  dropped: number;
  missingByColumn: Record<string, number>;
  nonNumericByColumn: Record<string, number>;
  classes: string[];
  classCounts: Record<string, number>;
}

function checkSpec(input: ValidateInput): void {
  const cols = [input.target, ...input.features.numeric, ...input.features.categorical];
  const dup = cols.find((c, i) => cols.indexOf(c) !== i);
  if (dup !== undefined) throw ApplicationFailure.nonRetryable(`column '${dup}' is listed twice among the target and features`, 'InvalidFeatureSpec');
  if (input.features.numeric.length + input.features.categorical.length === 0) {
    throw ApplicationFailure.nonRetryable('no feature columns given', 'InvalidFeatureSpec');
  }
  const present = new Set(input.dataset.columns);
  for (const col of cols) {
    if (!present.has(col)) {
      const role = col === input.target ? 'target' : 'feature';
      throw ApplicationFailure.nonRetryable(
        `required ${role} column '${col}' is missing from ${input.dataset.uri} (columns: ${input.dataset.columns.join(', ')})`,
        'MissingColumn',
      );
    }
  }
}

export function validateDataset(store: StoreProvider) {
  return async (input: ValidateInput, ctx: TaskContext): Promise<ValidateOutput> => {
    checkSpec(input);
    const s = store();
    const rows = await readRows(s, input.dataset);
    const clean = cleanRows(rows, input.target, input.features, input.missingValues);
    const classCounts = countClasses(clean.rows, input.target);
    const classes = Object.keys(classCounts);
    if (classes.length < 2) {
      throw ApplicationFailure.nonRetryable(`target column '${input.target}' has ${classes.length} class(es) after cleaning; need at least 2`, 'TooFewClasses');
    }
    if (clean.rows.length < input.minRows) {
      throw ApplicationFailure.nonRetryable(
        `only ${clean.rows.length} of ${rows.length} rows are complete (minRows ${input.minRows}); missing by column: ${JSON.stringify(clean.missingByColumn)}`,
        'TooFewRows',
      );
    }
    const ref = await putArtifact(s, runArtifactKey(s, ctx, 'datasets/clean.json'), clean.rows);
    const columns = [input.target, ...input.features.numeric, ...input.features.categorical];
    const out: ValidateOutput = {
      dataset: { ...ref, rows: clean.rows.length, columns },
      rowsIn: rows.length,
      rowsOut: clean.rows.length,
      dropped: rows.length - clean.rows.length,
      missingByColumn: clean.missingByColumn,
      nonNumericByColumn: clean.nonNumericByColumn,
      classes,
      classCounts,
    };
    ctx.log.info('validated dataset', { rowsIn: out.rowsIn, rowsOut: out.rowsOut, classCounts });
    return out;
  };
}
