/**
 * The shapes of the external-command step (`runCommand`): what a DAG passes in and what the
 * task returns. The input is recorded in workflow history, so it must never hold a secret
 * value: secrets reach the process by name only, through `envFromWorker`.
 */
import type { ArtifactRef } from '../../storage/artifacts/types';

/** A stored object, as every Tideflow artifact reference has it; readers verify size and sha256. */
export type { ArtifactRef };

/** An input to stage: a bare s3:// URI, or a reference whose size and checksum are verified on download. */
export type CommandInputSource = string | { uri: string; bytes?: number; sha256?: string };

export interface CommandInput {
  /** The executable: a name looked up on PATH, or a path (relative paths resolve against `cwd`). Templated. */
  command: string;
  /** Arguments, passed as argv (no shell, so nothing is ever interpreted). Each is templated. */
  args?: string[];
  /**
   * Objects downloaded to a private directory before the process starts; `{{inputs.<name>}}` is
   * the local path. Names: letters, digits, `_`, `-`.
   */
  inputs?: Record<string, CommandInputSource>;
  /**
   * Files the process must write, by name → relative file name; `{{outputs.<name>}}` is the
   * local path. Uploaded after a 0 exit under the run's prefix and returned as references.
   */
  outputs?: Record<string, string>;
  /** Values for `{{vars.<path>}}`, typically upstream outputs (an artifact URI, a count…). Not secret. */
  vars?: Record<string, unknown>;
  /** Extra environment variables (values templated). Recorded in history: never put a secret here. */
  env?: Record<string, string>;
  /** Names of the worker's environment variables to pass through: the way to hand over secrets. */
  envFromWorker?: string[];
  /** Working directory; relative paths resolve against the project root. Default: the project root. */
  cwd?: string;
  /** Kill the process (group) after this many seconds; independent of Temporal's startToCloseTimeout. */
  timeoutSeconds?: number;
  /** Seconds between SIGTERM and SIGKILL when the process is stopped. Default 5. */
  killGraceSeconds?: number;
  /** Seconds between heartbeats while the process runs. Default 1 (the SDK throttles what it sends). */
  heartbeatSeconds?: number;
}

export interface CommandOutput {
  exitCode: number;
  durationMs: number;
  /** The captured output, with secret values from `envFromWorker` replaced by `***`. */
  stdout: ArtifactRef;
  stderr: ArtifactRef;
  /** The declared outputs, uploaded. */
  outputs: Record<string, ArtifactRef>;
  /** The JSON object the process wrote to $TIDEFLOW_OUTPUT_FILE, if it wrote one. */
  result?: Record<string, unknown>;
}

/** Heartbeat details while the process runs (masked, so they are safe in history). */
export interface CommandProgress {
  phase: 'staging' | 'running' | 'stopping' | 'uploading';
  pid?: number;
  elapsedMs: number;
  stdoutBytes: number;
  stderrBytes: number;
  lastStderrLine?: string;
}
