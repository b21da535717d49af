/**
 * Model-registry activities any DAG can name: register a version, promote it to an alias,
 * resolve an alias. Registration is idempotent per DAG run + task, so Temporal's retry of a
 * worker that died after writing returns the version already made; promotion carries the same
 * request id so a retried promotion is not recorded twice.
 */
import { FailureType, InputError } from '../core/errors';
import { digestOfKey, putArtifactBytes } from '../storage/artifacts';
import { readArtifactBytes } from '../storage/artifacts/download';
import { parseS3Uri } from '../storage/s3-uri';
import {
  getVersionByAlias,
  promoteVersion,
  registerModelVersion,
  type ArtifactRef,
  type ModelVersion,
  type RegisterRequest,
  type ArtifactStore,
} from '../registry';
import { storeOf, type StoreProvider, type TaskContext } from './context';

export interface RegisterModelInput {
  modelName: string;
  model: ArtifactRef;
  featurePipeline?: ArtifactRef;
  metrics?: Record<string, number>;
  /** Training/evaluation data the model was made from (lineage). */
  trainingData?: ArtifactRef[];
  /** Defaults to the DAG run's params. */
  params?: unknown;
  tags?: Record<string, string>;
  description?: string;
}

export interface RegisteredVersion {
  modelName: string;
  version: number;
  status: ModelVersion['status'];
  /** The model artifact, so downstream tasks can read it without asking the registry. */
  uri: string;
  bytes: number;
  sha256: string;
}

export interface PromoteModelInput {
  modelName: string;
  version: number;
  /** Default 'champion'. */
  alias?: string;
  reason: string;
  /** Default `dag:<dagId>/<workflowId>`. */
  actor?: string;
}

export interface PromotedModel {
  modelName: string;
  alias: string;
  version: number;
  previousVersion: number | null;
}

export interface ResolveAliasInput {
  modelName: string;
  alias: string;
}

// Keyed on the Temporal run id, not the workflow id: a workflow id can be reused (a new run started
// with the id of a finished one) and must then register a new version, not return the old one.
const taskKey = (ctx: TaskContext): string => `${ctx.runId}/${ctx.taskId}${ctx.mapIndex === undefined ? '' : `.${ctx.mapIndex}`}`;

/**
 * The artifact at its content address (artifacts/sha256/…): verified, then copied there unless it
 * already is. A registry version points only at such immutable objects, so no later write to a run
 * key (a reused workflow id, a re-run) can change what a version scores with.
 */
async function pinned(store: ArtifactStore, ref: ArtifactRef): Promise<ArtifactRef> {
  if (digestOfKey(parseS3Uri(ref.uri).key) === ref.sha256) return ref;
  const copy = await putArtifactBytes(store, await readArtifactBytes(store, ref));
  return { uri: copy.uri, bytes: copy.bytes, sha256: copy.sha256 };
}

/**
 * Register a version on behalf of the running task (this activity and ml_retrain's register step):
 * the task's run is the version's source, registration is idempotent per run + task, and a version
 * that did not become ready fails the task for good.
 */
export async function registerForTask(
  store: ArtifactStore,
  ctx: TaskContext,
  req: Omit<RegisterRequest, 'source' | 'idempotencyKey'>,
): Promise<ModelVersion> {
  const v = await registerModelVersion(store, {
    ...req,
    model: await pinned(store, req.model),
    ...(req.featurePipeline && { featurePipeline: await pinned(store, req.featurePipeline) }),
    ...(req.profile && { profile: await pinned(store, req.profile) }),
    source: { dagId: ctx.dagId, workflowId: ctx.workflowId, runId: ctx.runId, taskId: ctx.taskId, logicalDate: ctx.logicalDate },
    idempotencyKey: taskKey(ctx),
  });
  if (v.status !== 'ready')
    throw new InputError(`version ${v.version} of ${v.name} is ${v.status}: ${v.statusMessage ?? ''}`, {
      type: FailureType.FailedRegistration,
    });
  return v;
}

export function registerModel(store: StoreProvider) {
  return async (input: RegisterModelInput, ctx: TaskContext): Promise<RegisteredVersion> => {
    const v = await registerForTask(store(ctx), ctx, {
      name: input.modelName,
      model: input.model,
      ...(input.featurePipeline && { featurePipeline: input.featurePipeline }),
      metrics: input.metrics ?? {},
      params: input.params ?? ctx.params,
      trainingData: input.trainingData ?? [],
      tags: input.tags ?? {},
      description: input.description ?? '',
    });
    ctx.log.info('registered model version', { modelName: v.name, version: v.version });
    return { modelName: v.name, version: v.version, status: v.status, uri: v.model.uri, bytes: v.model.bytes, sha256: v.model.sha256 };
  };
}

export function promoteModel(store: StoreProvider) {
  return async (input: PromoteModelInput, ctx: TaskContext): Promise<PromotedModel> => {
    const alias = input.alias ?? 'champion';
    const { event } = await promoteVersion(store(ctx), {
      name: input.modelName,
      version: input.version,
      alias,
      reason: input.reason,
      actor: input.actor ?? `dag:${ctx.dagId}/${ctx.workflowId}`,
      requestId: taskKey(ctx),
    });
    return { modelName: input.modelName, alias, version: event.version, previousVersion: event.previousVersion };
  };
}

export function resolveModelAlias(store: StoreProvider) {
  return async (input: ResolveAliasInput, ctx: TaskContext): Promise<ModelVersion> =>
    getVersionByAlias(store(ctx), input.modelName, input.alias);
}

export function createRegistryActivities(store: StoreProvider) {
  return {
    registryRegisterModel: registerModel(store),
    registryPromoteModel: promoteModel(store),
    registryResolveAlias: resolveModelAlias(store),
  };
}

export const registryActivities = createRegistryActivities(storeOf);
