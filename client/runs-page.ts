/**
 * One page of DAG runs from Temporal's visibility store, newest first, with the token that
 * continues after it (`tideflow runs list --next`). The SDK's `workflow.list()` iterates every
 * page but never exposes the token, so this calls ListWorkflowExecutions itself and decodes the
 * executions the way the SDK does.
 */
import type { Client } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/data-converter-helpers';
import { DAG_KEY, LOGICAL_DATE_KEY, TRIGGER_KEY } from '../core/search-attributes';

export interface RunListEntry {
  workflowId: string;
  runId: string;
  dagId: string;
  logicalDate: string | undefined;
  trigger: string | undefined;
  /** Temporal's status name (RUNNING, COMPLETED, …). */
  temporalStatus: string;
  startedAt: string;
  closedAt: string | undefined;
}

export interface RunsPage {
  runs: RunListEntry[];
  /** The server's opaque token for the runs after these; undefined when there are none. */
  nextPageToken: Uint8Array | undefined;
}

const converter = loadDataConverter();

async function fetchPage(client: Client, query: string, pageSize: number, token: Uint8Array | undefined) {
  const res = await client.workflowService.listWorkflowExecutions({
    namespace: client.options.namespace,
    query,
    pageSize,
    nextPageToken: token ?? new Uint8Array(0),
  });
  const next = res.nextPageToken && res.nextPageToken.length > 0 ? res.nextPageToken : undefined;
  return { executions: res.executions ?? [], next };
}

/**
 * Up to `limit` runs matching `query`, after `pageToken` (from a previous page). The returned
 * token is only set when at least one more run follows: a page that ends exactly at the last run
 * may come back with a token to an empty page, so that token is checked with a one-run read.
 */
export async function listRunsPage(client: Client, query: string, limit: number, pageToken?: Uint8Array): Promise<RunsPage> {
  const runs: RunListEntry[] = [];
  let token = pageToken;
  do {
    const { executions, next } = await fetchPage(client, query, limit - runs.length, token);
    for (const raw of executions) {
      const w = await executionInfoFromRaw(raw, converter, raw, client.options.namespace);
      runs.push({
        workflowId: w.workflowId,
        runId: w.runId,
        dagId: w.typedSearchAttributes.get(DAG_KEY) ?? w.type,
        logicalDate: w.typedSearchAttributes.get(LOGICAL_DATE_KEY)?.toISOString(),
        trigger: w.typedSearchAttributes.get(TRIGGER_KEY),
        temporalStatus: w.status.name,
        startedAt: w.startTime.toISOString(),
        closedAt: w.closeTime?.toISOString(),
      });
    }
    token = next;
    if (executions.length === 0) break;
  } while (token !== undefined && runs.length < limit);
  if (token !== undefined && (await fetchPage(client, query, 1, token)).executions.length === 0) token = undefined;
  return { runs, nextPageToken: token };
}
