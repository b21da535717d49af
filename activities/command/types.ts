/**
 * The shapes of the external-command step (`runCommand`): what a DAG passes in and what the
 * task returns. The input is recorded in workflow history, so it must never hold a secret
 * value: secrets reach the process by name only, through `envFromWorker`.
 */
import { z } from 'zod';
import { artifactRefSchema, type ArtifactRef } from '../../storage/artifacts/types';

/** A stored object, as every Tideflow artifact reference has it; readers verify size and sha256. */
export type { ArtifactRef };

/** The command step's input: one zod schema, its type inferred (./input-schema.ts). */
export type { CommandInput, CommandInputSource } from './input-schema';

/**
 * What the step returns (recorded in workflow history, and stored with the run's task outputs):
 * one declaration, its type inferred. It has no format field of its own: it is a task output,
 * read by DAG references (`outputs.stdout`, `result.x`), and the outputs already in histories
 * have none.
 */
export const commandOutputSchema = z.object({
  exitCode: z.number().int(),
  durationMs: z.number(),
  /** The captured output, with secret values from `envFromWorker` replaced by `***`. */
  stdout: artifactRefSchema,
  stderr: artifactRefSchema,
  /** The declared outputs, uploaded. */
  outputs: z.record(z.string(), artifactRefSchema),
  /** The JSON object the process wrote to $TIDEFLOW_OUTPUT_FILE, if it wrote one. */
  result: z.record(z.string(), z.unknown()).optional(),
});
export type CommandOutput = z.infer<typeof commandOutputSchema>;

/** Heartbeat details while the process runs (masked, so they are safe in history). */
export interface CommandProgress {
  phase: 'staging' | 'running' | 'stopping' | 'uploading';
  pid?: number;
  elapsedMs: number;
  stdoutBytes: number;
  stderrBytes: number;
  lastStderrLine?: string;
}
