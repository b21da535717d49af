/**
 * A run's place in time and how it is tagged: its logical date and data interval (Airflow 2
 * semantics) and the search attributes the Web UI and `tideflow runs` filter on.
 */
import { upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { intervalEndingAt, intervalStartingAt, latestCompletedInterval, type DataInterval } from '../core/intervals';
import type { DagDefinition } from '../core/model';
import { DAG_KEY, LOGICAL_DATE_KEY, TRIGGER_KEY } from '../core/search-attributes';

/** Tag the run for the Web UI and `tideflow runs`; starters that already set the values cost nothing extra. */
export function tagRun(dagId: string, logicalDate: Date, trigger: string): void {
  const current = workflowInfo().typedSearchAttributes;
  const updates = [];
  if (current.get(DAG_KEY) !== dagId) updates.push({ key: DAG_KEY, value: dagId });
  if (current.get(LOGICAL_DATE_KEY)?.getTime() !== logicalDate.getTime()) updates.push({ key: LOGICAL_DATE_KEY, value: logicalDate });
  if (current.get(TRIGGER_KEY) !== trigger) updates.push({ key: TRIGGER_KEY, value: trigger });
  if (updates.length > 0) upsertSearchAttributes(updates);
}

/**
 * Airflow 2 semantics: a scheduled run covers the cron interval ending at its nominal fire time
 * and its logical date is that interval's start; an explicit logical date is kept as given and
 * processes the interval containing it; a manual run without one takes the latest completed
 * interval. Unscheduled DAGs have an empty interval at the logical date.
 */
export function resolveLogicalDate(
  dag: DagDefinition,
  given: Date | undefined,
  scheduledAt: Date | undefined,
  startedAt: Date,
): { logicalDate: Date; interval: DataInterval } {
  const s = dag.schedule;
  if (given) return { logicalDate: given, interval: s ? intervalStartingAt(s, given) : { start: given, end: given } };
  if (!s) {
    const at = scheduledAt ?? startedAt;
    return { logicalDate: at, interval: { start: at, end: at } };
  }
  const interval = scheduledAt ? intervalEndingAt(s, scheduledAt) : latestCompletedInterval(s, startedAt);
  return { logicalDate: interval.start, interval };
}
