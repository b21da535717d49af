/**
 * Connect to Temporal for one command, and always close the connection afterwards: an open
 * gRPC channel keeps node alive, and a CLI that hangs after printing is a bug. Connection
 * problems become one-line messages (exit 1), not stack traces.
 */
import { Client, Connection, isGrpcServiceError, ServiceError } from '@temporalio/client';
import { NamespaceNotFoundError } from '@temporalio/common';
import type { TideflowConfig } from '../config/env';
import { CliError } from './errors';

/**
 * The SDK default is 10 s of silent retrying; a person at a terminal wants to hear sooner.
 * A TEMPORAL profile that sets its own connectTimeout still wins.
 */
export const CONNECT_TIMEOUT = '5 seconds';

export interface TemporalSession {
  client: Client;
  connection: Connection;
  namespace: string;
  address: string;
}

/** gRPC status codes we explain (numbers, to avoid depending on @grpc/grpc-js directly). */
const GRPC = { DEADLINE_EXCEEDED: 4, NOT_FOUND: 5, PERMISSION_DENIED: 7, UNAVAILABLE: 14, UNAUTHENTICATED: 16 } as const;

function grpcCode(err: unknown): number | undefined {
  if (isGrpcServiceError(err)) return err.code;
  if (err instanceof ServiceError && isGrpcServiceError(err.cause)) return err.cause.code;
  return undefined;
}

function grpcDetails(err: unknown): string {
  if (isGrpcServiceError(err)) return err.details || err.message;
  if (err instanceof ServiceError && isGrpcServiceError(err.cause)) return err.cause.details || err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

export function unreachable(address: string, detail?: string): CliError {
  return new CliError(`cannot reach Temporal at ${address} (is \`npm start\` running? set TEMPORAL_ADDRESS)${detail ? `: ${detail}` : ''}`);
}

/** A message for errors any Temporal call can raise; undefined when the error is not one of them. */
export function explainTemporalError(err: unknown, s: Pick<TemporalSession, 'address' | 'namespace'>): CliError | undefined {
  if (err instanceof NamespaceNotFoundError) {
    return new CliError(`namespace '${s.namespace}' does not exist on Temporal at ${s.address} (set TEMPORAL_NAMESPACE)`);
  }
  const code = grpcCode(err);
  if (code === GRPC.UNAVAILABLE) return unreachable(s.address, grpcDetails(err));
  if (code === GRPC.UNAUTHENTICATED || code === GRPC.PERMISSION_DENIED) {
    return new CliError(
      `Temporal at ${s.address} refused the request: ${grpcDetails(err)} (check TEMPORAL_API_KEY and TEMPORAL_TLS_* settings)`,
    );
  }
  if (code === GRPC.NOT_FOUND && /namespace/i.test(grpcDetails(err))) {
    return new CliError(`namespace '${s.namespace}' does not exist on Temporal at ${s.address} (set TEMPORAL_NAMESPACE)`);
  }
  if (code === GRPC.DEADLINE_EXCEEDED) return new CliError(`Temporal at ${s.address} did not answer in time: ${grpcDetails(err)}`);
  return undefined;
}

/** Run `fn` with a connected client; the connection is closed however `fn` ends. */
export async function withTemporal<T>(config: TideflowConfig, fn: (s: TemporalSession) => Promise<T>): Promise<T> {
  const options = config.temporal.connection;
  const address = options.address ?? 'localhost:7233';
  const namespace = config.temporal.namespace;
  // lazy + ensureConnected rather than Connection.connect: connect() drops the connection
  // object when it fails, leaving us no way to close its channel.
  const connection = Connection.lazy({ ...options, connectTimeout: options.connectTimeout ?? CONNECT_TIMEOUT });
  try {
    try {
      await connection.ensureConnected();
    } catch (err) {
      // grpc-js reports a refused or silent address as a bare "Failed to connect before the deadline".
      let detail = isGrpcServiceError(err) ? grpcDetails(err) : `no connection within ${CONNECT_TIMEOUT}`;
      // TEMPORAL_API_KEY switches TLS on, which a plain local dev server never answers.
      if (options.tls) detail += '; TLS is on (set TEMPORAL_TLS=false for a plain local server)';
      throw explainTemporalError(err, { address, namespace }) ?? unreachable(address, detail);
    }
    const client = new Client({ connection, namespace });
    try {
      return await fn({ client, connection, namespace, address });
    } catch (err) {
      throw explainTemporalError(err, { address, namespace }) ?? err;
    }
  } finally {
    await connection.close();
  }
}
