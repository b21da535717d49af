/**
 * The shapes of the external-command step (`runCommand`): what a DAG passes in and what the
 * task returns. The input is recorded in workflow history, so it must never hold a secret
 * value: secrets reach the process by name only, through `envFromWorker`.
 */
import type { ArtifactRef } from '../../storage/artifacts/types';

/** A stored object, as every Tideflow artifact reference has it; readers verify size and sha256. */
export type { ArtifactRef };

/** The command step's input: one zod schema, its type inferred (./input-schema.ts). */
export type { CommandInput, CommandInputSource } from './input-schema';

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
