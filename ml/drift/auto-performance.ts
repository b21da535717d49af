/**
 * `performance: "auto"` for a prediction-log window (pure): the performance spec follows from the
 * model version and the labels joined to the log, so the shipped loop needs no column names.
 * - label column: the one the labels files hold (`tideflow predictions label --label-column`);
 * - prediction `prediction`, probabilities `probabilities` (ml/drift/log-window.ts);
 * - classification (binary or multiclass): accuracy and ROC-AUC (binary on classes[1], the model's
 *   positive class; multiclass one-vs-rest macro), each drifting past an absolute drop of 0.05;
 * - regression: RMSE, drifting past a 10 % relative rise.
 * Other metrics or thresholds: give `performance` in full.
 */
import { InputError } from '../../core/errors';
import { PROBABILITIES_COLUMN } from './log-window';
import type { PerformanceSpec } from './performance';

export const AUTO_PERFORMANCE = 'auto';
/** As the explicit spec's default. */
const MIN_LABELED_ROWS = 30;

export interface ModelTask {
  task: 'binary' | 'multiclass' | 'regression';
  classes: readonly string[];
}

export function autoPerformanceSpec(model: ModelTask, labelColumns: readonly string[], where: string): PerformanceSpec {
  if (labelColumns.length > 1)
    throw new InputError(
      `performance "auto": the labels files of ${where} hold several label columns (${labelColumns.join(', ')}); give performance.labelColumn`,
    );
  // No labels yet: any name scores 0 labeled rows, reported as insufficient labels.
  const labelColumn = labelColumns[0] ?? 'label';
  if (model.task === 'regression')
    return {
      predictionColumn: 'prediction',
      labelColumn,
      task: 'regression',
      metrics: [{ name: 'rmse', maxRelativeDrop: 0.1 }],
      minLabeledRows: MIN_LABELED_ROWS,
    };
  return {
    predictionColumn: 'prediction',
    labelColumn,
    probabilityColumn: PROBABILITIES_COLUMN,
    ...(model.task === 'binary' && model.classes[1] !== undefined && { positiveLabel: model.classes[1] }),
    task: 'classification',
    metrics: [
      { name: 'accuracy', maxDrop: 0.05 },
      { name: 'roc_auc', maxDrop: 0.05 },
    ],
    minLabeledRows: MIN_LABELED_ROWS,
  };
}
