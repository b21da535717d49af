/**
 * The performance section of a drift report (driftComputeReport): score the window's labeled rows
 * (ml/drift/performance-window.ts) and compare with the baseline version's recorded test metrics
 * (ml/drift/performance.ts): the champion's, or for a prediction-log window the serving version's. Bad input a retry cannot fix — a prediction column absent from the
 * window, a non-numeric regression label — fails the task non-retryably, naming the column.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { PerformanceSpec } from '../../ml/drift/performance';
import { comparePerformance, type PerformanceDrift } from '../../ml/drift/performance-compare';
import { windowMetrics } from '../../ml/drift/performance-window';
import type { ModelVersion } from '../../registry';
import type { Row } from '../ml/types';

export function performanceSection(
  model: string,
  rows: readonly Row[],
  spec: PerformanceSpec,
  champion: ModelVersion | undefined,
  missingValues: readonly string[],
  /** Why labels may be missing (none joined yet, or under another column), said by an 'insufficient labels' summary. */
  labelNote?: string,
): PerformanceDrift {
  try {
    const window = { ...windowMetrics(rows, spec, missingValues), ...(labelNote && { note: labelNote }) };
    return comparePerformance(
      spec,
      window,
      champion && { version: champion.version, metrics: champion.metrics ?? {} },
      `model ${model} has no champion version`,
    );
  } catch (err) {
    throw ApplicationFailure.nonRetryable(
      `performance drift of ${model}: ${err instanceof Error ? err.message : String(err)}`,
      'BadPerformanceInput',
    );
  }
}

/** Columns that describe the model's output or the truth, not its input: never part of data drift. */
export function performanceColumns(spec: PerformanceSpec | undefined): string[] {
  if (!spec) return [];
  return [spec.predictionColumn, spec.labelColumn, ...(spec.probabilityColumn ? [spec.probabilityColumn] : [])];
}
