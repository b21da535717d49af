/**
 * Loading: validate every DAG once (structure, activities, schedules) and index them by id.
 * Used by the worker and the CLI; workflow code gets already-validated definitions.
 */
import type { DagDefinition } from './model';
import { scheduleProblems } from './validate-schedule';
import { collectProblems, DagValidationError, type ValidateOptions } from './validate';

export type DagRegistry = ReadonlyMap<string, DagDefinition>;

/** Throws DagValidationError naming every bad DAG and task; returns the DAGs by id. */
export function loadDags(dags: readonly DagDefinition[], options: ValidateOptions = {}): DagRegistry {
  const problems = [...collectProblems(dags, options), ...dags.flatMap(scheduleProblems)];
  if (problems.length > 0) throw new DagValidationError(problems);
  return new Map(dags.map((d) => [d.id, d]));
}
