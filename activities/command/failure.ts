/**
 * How a command run that did not succeed is reported: the end (exit code or signal, timeout or
 * cancellation and how the group was stopped) and the tail of its stderr. A process that could
 * not start is this worker's problem (not found, not executable) or a passing one (spawn failed).
 */
import { ApplicationFailure } from '@temporalio/common';
import { ConfigError, FailureType, TransientError } from '../../core/errors';
import type { TaskContext } from '../context';
import type { ArtifactStore } from '../ml/store';
import { tailLines } from './capture';
import type { Supervised } from './process';
import type { ArtifactRef } from './types';
import { uploadLogs, type Layout } from './workdir';

const STDERR_TAIL_LINES = 20;
/** A cancelled task still tries to upload its logs, but not for longer than this. */
const LOG_UPLOAD_AFTER_CANCEL_MS = 15_000;

const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/** How the run ended, for a failure message: exit code or signal, and who stopped it. */
function describeEnd(label: string, sup: Supervised, graceMs: number, ranMs: number, reason: string): string {
  if (sup.stoppedBy) {
    const why = sup.stoppedBy === 'timeout' ? `timed out after ${seconds(ranMs)}` : `was cancelled (${reason}) after ${seconds(ranMs)}`;
    const how = sup.stop?.killed
      ? `sent SIGTERM to its process group, then SIGKILL after the ${seconds(graceMs)} grace period`
      : 'sent SIGTERM to its process group, which exited within the grace period';
    return `command ${label} ${why}: ${how}`;
  }
  const end = sup.exit.code !== null ? `exited with code ${sup.exit.code}` : `was killed by signal ${sup.exit.signal ?? 'unknown'}`;
  return `command ${label} ${end} after ${seconds(ranMs)}`;
}

export function cancelReason(signal: AbortSignal): string {
  const r: unknown = signal.reason;
  if (r instanceof Error && r.message) return r.message;
  return typeof r === 'string' ? r : 'cancelled';
}

/** Why the process could not start: a missing or non-executable command is this worker's setup; anything else may pass. */
export function spawnFailure(error: NodeJS.ErrnoException, label: string, command: string, cwd: string, path: string | undefined): Error {
  if (error.code === 'ENOENT') {
    const where = command.includes('/') ? `no such file (resolved against cwd ${cwd})` : `not found on PATH (${path})`;
    return new ConfigError(`command ${label} ${where}; if it is a script, check that its #! interpreter exists`, {
      type: FailureType.CommandNotFound,
    });
  }
  if (error.code === 'EACCES')
    return new ConfigError(`command ${label} is not executable (permission denied); chmod +x it or run it through its interpreter`, {
      type: FailureType.CommandNotExecutable,
    });
  return new TransientError(`could not start command ${label}: ${error.message}`, { type: FailureType.CommandSpawnFailed });
}

export interface EndedRun {
  store: ArtifactStore;
  ctx: TaskContext;
  l: Layout;
  secrets: readonly string[];
  sup: Supervised;
  label: string;
  graceMs: number;
  ranMs: number;
}

/** The failure of a run that exited non-zero, timed out or was cancelled, with its logs uploaded and its stderr's tail. */
export async function commandFailure({ store, ctx, l, secrets, sup, label, graceMs, ranMs }: EndedRun): Promise<ApplicationFailure> {
  const end = describeEnd(label, sup, graceMs, ranMs, cancelReason(ctx.signal));
  const tail = await tailLines(l.stderr, STDERR_TAIL_LINES, secrets);
  // The logs are what explains a failure: upload them even after a cancellation, briefly.
  const logSignal = sup.stoppedBy === 'cancel' ? AbortSignal.timeout(LOG_UPLOAD_AFTER_CANCEL_MS) : ctx.signal;
  let logs: { stdout: ArtifactRef; stderr: ArtifactRef } | undefined;
  let logNote: string;
  try {
    logs = await uploadLogs(store, ctx, l, secrets, logSignal);
    logNote = ` (full stderr: ${logs.stderr.uri})`;
  } catch (err) {
    logNote = ` (the logs could not be uploaded: ${err instanceof Error ? err.message : String(err)})`;
    ctx.log.warn('command logs not uploaded', { error: logNote });
  }
  const tailText =
    tail.length > 0 ? `; last ${tail.length} line(s) of stderr${logNote}:\n${tail.join('\n')}` : `; stderr was empty${logNote}`;
  const type = sup.stoppedBy === 'timeout' ? 'CommandTimedOut' : sup.stoppedBy === 'cancel' ? 'CommandCancelled' : 'CommandFailed';
  // Retryable: a flaky script or a transient resource may succeed on the next attempt (per the DAG's retry policy).
  return ApplicationFailure.create({
    message: `${end}${tailText}`,
    type,
    nonRetryable: false,
    details: [
      {
        exitCode: sup.exit.code,
        signal: sup.exit.signal,
        ...(sup.stoppedBy && { stoppedBy: sup.stoppedBy }),
        ...(logs && { stdout: logs.stdout, stderr: logs.stderr }),
      },
    ],
  });
}
