/**
 * The model registry's records (MLflow semantics, see shared notes): registered models,
 * integer versions never reused, a status per version, aliases that move, an audit trail.
 * Each document format is declared once (defineArtifact) and its type is z.infer. A version
 * and an alias document use `version` for the model version, so their format version is
 * `formatVersion`; documents written before it existed read as format version 1.
 */
import { z } from 'zod';
import { defineArtifact, type ArtifactOf } from '../core/artifact-format';
import { InputError } from '../core/errors';

/** The registry keeps its documents next to the artifacts, in the one store (storage/artifacts/types.ts). */
import { artifactRefSchema } from '../storage/artifacts/types';
export type { ArtifactRef, ArtifactStore } from '../storage/artifacts/types';

const VERSION_FIELD = { versionField: 'formatVersion' } as const;

export const VERSION_STATUSES = ['pending_registration', 'ready', 'failed_registration'] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

/** The DAG run (and task) that produced a version. */
export const runSourceSchema = z.object({
  dagId: z.string(),
  /** The DAG run id (Temporal workflow id). */
  workflowId: z.string(),
  /** Temporal's run id of that workflow execution. */
  runId: z.string(),
  taskId: z.string(),
  logicalDate: z.string().optional(),
});
export type RunSource = z.infer<typeof runSourceSchema>;

/** `registry/models/<name>/versions/<n>.json`. */
export const modelVersionDocument = defineArtifact(
  'tideflow.model-version',
  1,
  {
    name: z.string(),
    /** The model version number (never reused). */
    version: z.number().int().positive(),
    status: z.enum(VERSION_STATUSES),
    statusMessage: z.string().optional(),
    model: artifactRefSchema,
    featurePipeline: artifactRefSchema.optional(),
    /** Reference profile of the training data (bounded sample + per-feature histograms): the drift baseline. */
    profile: artifactRefSchema.optional(),
    /** Portable copies of the model by format (e.g. onnx), added after registration (registry/exports.ts). */
    exports: z.object({ onnx: artifactRefSchema.optional() }).optional(),
    metrics: z.record(z.string(), z.number()),
    params: z.unknown(),
    trainingData: z.array(artifactRefSchema),
    source: runSourceSchema,
    tags: z.record(z.string(), z.string()),
    description: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    /** Registration of the same key again returns this version (run + task: a Temporal retry). */
    idempotencyKey: z.string(),
    /** Unique per claiming attempt: tells our own write from a rival's when a retried PUT conflicts. */
    claimToken: z.string(),
    /** Set by deleteVersion; the number is kept, so it is never reused. */
    deletedAt: z.string().optional(),
  },
  VERSION_FIELD,
);
export type ModelVersion = ArtifactOf<typeof modelVersionDocument>;

/** `registry/models/<name>/model.json`. */
export const registeredModelDocument = defineArtifact(
  'tideflow.registered-model',
  1,
  { name: z.string(), description: z.string(), createdAt: z.string() },
  VERSION_FIELD,
);
export type RegisteredModel = ArtifactOf<typeof registeredModelDocument>;

/** One move of an alias: who, why, when, from which version to which. */
const aliasEvent = z.object({
  /** 'refused': a conditional promotion found the alias moved since its gate compared (the pointer is unchanged). */
  action: z.enum(['promote', 'rollback', 'refused']),
  version: z.number().int(),
  previousVersion: z.number().int().nullable(),
  actor: z.string(),
  reason: z.string(),
  at: z.string(),
  /** Recognises a retried move (activity retry, or SDK retry after a lost response) so it applies once. */
  requestId: z.string(),
});
export type AliasEvent = z.infer<typeof aliasEvent>;

/** `registry/models/<name>/aliases/<alias>.json`: the version it names now, and its whole history (the audit trail). */
export const aliasDocument = defineArtifact(
  'tideflow.model-alias',
  1,
  {
    name: z.string(),
    alias: z.string(),
    version: z.number().int(),
    /** Earlier holders, oldest first; rollback pops the last one. */
    previous: z.array(z.number().int()),
    events: z.array(aliasEvent),
  },
  VERSION_FIELD,
);
export type AliasRecord = ArtifactOf<typeof aliasDocument>;

/** A bad name, a refused move, a corrupt registry document: retrying cannot fix it. */
export class RegistryError extends InputError {
  override name = 'RegistryError';
}

export class NotFoundError extends RegistryError {
  override name = 'RegistryNotFoundError';
}
