/**
 * The model registry's records (MLflow semantics, see shared notes): registered models,
 * integer versions never reused, a status per version, aliases that move, an audit trail.
 */
import { InputError } from '../core/errors';

/** The registry keeps its documents next to the artifacts, in the one store (storage/artifacts/types.ts). */
import type { ArtifactRef } from '../storage/artifacts/types';
export type { ArtifactRef, ArtifactStore } from '../storage/artifacts/types';

export type VersionStatus = 'pending_registration' | 'ready' | 'failed_registration';

/** The DAG run (and task) that produced a version. */
export interface RunSource {
  dagId: string;
  /** The DAG run id (Temporal workflow id). */
  workflowId: string;
  /** Temporal's run id of that workflow execution. */
  runId: string;
  taskId: string;
  logicalDate?: string;
}

export interface ModelVersion {
  format: 'tideflow.model-version';
  name: string;
  version: number;
  status: VersionStatus;
  statusMessage?: string;
  model: ArtifactRef;
  featurePipeline?: ArtifactRef;
  /** Reference profile of the training data (bounded sample + per-feature histograms): the drift baseline. */
  profile?: ArtifactRef;
  /** Portable copies of the model by format (e.g. onnx), added after registration (registry/exports.ts). */
  exports?: Partial<Record<'onnx', ArtifactRef>>;
  metrics: Record<string, number>;
  params: unknown;
  trainingData: ArtifactRef[];
  source: RunSource;
  tags: Record<string, string>;
  description: string;
  createdAt: string;
  updatedAt: string;
  /** Registration of the same key again returns this version (run + task: a Temporal retry). */
  idempotencyKey: string;
  /** Unique per claiming attempt: tells our own write from a rival's when a retried PUT conflicts. */
  claimToken: string;
  /** Set by deleteVersion; the number is kept, so it is never reused. */
  deletedAt?: string;
}

export interface RegisteredModel {
  format: 'tideflow.registered-model';
  name: string;
  description: string;
  createdAt: string;
}

/** One move of an alias: who, why, when, from which version to which. */
export interface AliasEvent {
  /** 'refused': a conditional promotion found the alias moved since its gate compared (the pointer is unchanged). */
  action: 'promote' | 'rollback' | 'refused';
  version: number;
  previousVersion: number | null;
  actor: string;
  reason: string;
  at: string;
  /** Recognises a retried move (activity retry, or SDK retry after a lost response) so it applies once. */
  requestId: string;
}

/** An alias document: the version it names now, and its whole history (the audit trail). */
export interface AliasRecord {
  format: 'tideflow.model-alias';
  name: string;
  alias: string;
  version: number;
  /** Earlier holders, oldest first; rollback pops the last one. */
  previous: number[];
  events: AliasEvent[];
}

/** A bad name, a refused move, a corrupt registry document: retrying cannot fix it. */
export class RegistryError extends InputError {
  override name = 'RegistryError';
}

export class NotFoundError extends RegistryError {
  override name = 'RegistryNotFoundError';
}
