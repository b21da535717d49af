/**
 * Max active runs (Airflow's max_active_runs), for runs not started by a backfill: how many runs
 * of the DAG that started before this one are still running. The workflow waits ("queued")
 * while that is at the limit, so runs go in start order. Visibility is eventually consistent
 * and compares start times to the second, so two runs started within the same second may both
 * proceed: a bound for people and schedules, not a lock.
 */
import { Context } from '@temporalio/activity';

export interface EarlierRunsInput {
  dagId: string;
  workflowId: string;
  /** This run's start, ISO-8601. */
  startedAt: string;
}

const rfc3339Seconds = (iso: string): string => `${iso.slice(0, 19)}Z`;

export async function tideflowCountEarlierRuns(input: EarlierRunsInput): Promise<number> {
  const dag = input.dagId.replace(/'/g, "\\'");
  const query =
    `TideflowDag = '${dag}' AND ExecutionStatus = 'Running' AND TideflowTrigger != 'backfill' ` +
    `AND StartTime < '${rfc3339Seconds(input.startedAt)}' AND WorkflowId != '${input.workflowId.replace(/'/g, "\\'")}'`;
  const { count } = await Context.current().client.workflow.count(query);
  return count;
}
