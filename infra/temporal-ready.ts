/**
 * Waiting for the local Temporal dev server to serve, and setting up its namespace: the Tideflow
 * search attributes (also for full servers: bench/ and docker-compose call ensureSearchAttributes)
 * and the history retention.
 */
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common';
import { describeExit, sleep, type ManagedProcess } from './process';
import { TIDEFLOW_SEARCH_ATTRIBUTES, type SearchAttributeTypeName } from '../core/search-attributes';

/** How long a freshly started server may take to answer. */
export const READY_TIMEOUT_MS = 60_000;

/** Sets the namespace's retention when it differs (an update is a no-op otherwise). */
async function ensureRetention(conn: Connection, namespace: string, days: number): Promise<void> {
  const ttl = msToTs(Math.round(days * 86_400_000));
  const current = await conn.workflowService.describeNamespace({ namespace });
  if (Number(current.config?.workflowExecutionRetentionTtl?.seconds ?? 0) === Number(ttl.seconds)) return;
  await conn.workflowService.updateNamespace({ namespace, config: { workflowExecutionRetentionTtl: ttl } });
}

export async function waitForTemporal(proc: ManagedProcess, address: string, namespace: string, retentionDays?: number): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let lastError = 'no attempt finished';
  while (Date.now() < deadline) {
    if (!proc.running()) {
      const info = await proc.exited;
      throw new Error(`Temporal dev server ${describeExit(info)} during startup. Last lines of ${proc.logFile}:\n${proc.tail(40)}`);
    }
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: '2s' });
      const conn = connection;
      // Deadline per attempt: a half-started server can accept the connection and then not answer.
      await conn.withDeadline(Date.now() + 5_000, async () => {
        const health = await conn.healthService.check({});
        if (health.status !== 1 /* SERVING */) throw new Error(`health status ${String(health.status)}`);
        await conn.workflowService.describeNamespace({ namespace });
        await ensureSearchAttributes(conn, namespace);
        if (retentionDays !== undefined) await ensureRetention(conn, namespace, retentionDays);
      });
      return;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    } finally {
      await connection?.close().catch(() => undefined);
    }
    await sleep(300);
  }
  await proc.stop();
  throw new Error(
    `Temporal dev server not ready after ${READY_TIMEOUT_MS / 1000} s (last error: ${lastError}). Last lines of ${proc.logFile}:\n${proc.tail(40)}`,
  );
}

type AddSearchAttributesRequest = Parameters<Connection['operatorService']['addSearchAttributes']>[0];
type IndexedValueType = NonNullable<AddSearchAttributesRequest['searchAttributes']>[string];

/** temporal.api.enums.v1.IndexedValueType values. */
const INDEXED_VALUE_TYPE: Record<SearchAttributeTypeName, IndexedValueType> = {
  Text: 1 as IndexedValueType,
  Keyword: 2 as IndexedValueType,
  Int: 3 as IndexedValueType,
  Double: 4 as IndexedValueType,
  Bool: 5 as IndexedValueType,
  Datetime: 6 as IndexedValueType,
  KeywordList: 7 as IndexedValueType,
};

/**
 * Registers the Tideflow search attributes on `namespace` if missing. Idempotent. The dev server
 * gets them from `--search-attribute`; this is for full servers (docker-compose, Temporal Cloud
 * needs `tcld` instead). Fails if one exists with a different type.
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const custom = existing.customAttributes ?? {};
  const missing: Record<string, IndexedValueType> = {};
  for (const attr of TIDEFLOW_SEARCH_ATTRIBUTES) {
    const wanted = INDEXED_VALUE_TYPE[attr.type];
    const have = custom[attr.name];
    if (have === undefined) missing[attr.name] = wanted;
    else if (have !== wanted) {
      throw new Error(`search attribute ${attr.name} exists in namespace ${namespace} with type ${have}, but Tideflow needs ${attr.type}`);
    }
  }
  if (Object.keys(missing).length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
  } catch (err) {
    // ALREADY_EXISTS (6): someone else registered them concurrently, which is what we wanted.
    if (!(typeof err === 'object' && err !== null && 'code' in err && err.code === 6)) throw err;
  }
}
