/** A Temporal client from the validated configuration. */
import { Client, Connection } from '@temporalio/client';
import type { TideflowConfig } from '../config/env';

export async function connectClient(config: TideflowConfig): Promise<Client> {
  const connection = await Connection.connect(config.temporal.connection);
  return new Client({ connection, namespace: config.temporal.namespace });
}
