/**
 * register: file a blessed model as a new version in the model registry (registry/), with its
 * metrics, gate decision, lineage (dataset, split, pipeline, run) and a reference profile of
 * its training data (the drift monitor's baseline); then, when the DAG asks for it, move the
 * champion alias to it. Both steps are idempotent per run + task, so a retried task returns
 * the same version and records one promotion.
 */
import { promoteVersion } from '../../registry';
import type { TaskContext } from '../context';
import { registerForTask } from '../registry';
import { readDataset, type DatasetRef } from './dataset';
import { heartbeating, offloadForTask, READING } from './offload/task';
import { putArtifactBytes, type StoreProvider } from './store';
import type { ArtifactRef } from './types';

export interface RegisterModelInput {
  modelName: string;
  model: ArtifactRef;
  /** The candidate's test metrics (numbers only are recorded). */
  metrics: Record<string, unknown>;
  /** The gate's one-line decision, recorded on the version and in the promotion's audit entry. */
  gateSummary: string;
  /** Move this alias (e.g. 'champion') to the new version; null to register only. */
  promoteTo: string | null;
  /**
   * The version the gate compared against (evaluate's champion; null: there was none). Promotion
   * is a compare-and-set on it: if the alias moved meanwhile, the version is registered but not
   * promoted, and the refusal is recorded. Absent: unconditional (older DAG definitions).
   */
  comparedWith?: number | null;
  lineage: { source: string; dataset: DatasetRef; split: ArtifactRef; pipeline?: ArtifactRef };
}

export interface RegisterModelOutput {
  modelName: string;
  version: number;
  /** The alias moved, and the version it named before (null: the first champion). */
  promoted?: { alias: string; previousVersion: number | null };
  /** Why the alias was not moved although the gate blessed the model (it moved since the gate compared). */
  promotionRefused?: string;
}

const numericMetrics = (m: Record<string, unknown>): Record<string, number> =>
  Object.fromEntries(Object.entries(m).filter((e): e is [string, number] => typeof e[1] === 'number' && Number.isFinite(e[1])));

export function registerModel(store: StoreProvider) {
  return async (input: RegisterModelInput, ctx: TaskContext): Promise<RegisterModelOutput> => {
    const s = store(ctx);
    const frame = await heartbeating(ctx, READING, () => readDataset(s, input.lineage.dataset));
    // Histograms over every row: in a worker thread for a large dataset (offload/jobs/statistics.ts).
    const built = await offloadForTask(ctx, 'profileDataset', { frame }, { rows: frame.rows });
    const profile = await putArtifactBytes(s, `${s.prefix}models/${input.modelName}/profiles/${ctx.runId}.json`, built.json);
    const v = await registerForTask(s, ctx, {
      name: input.modelName,
      model: input.model,
      ...(input.lineage.pipeline && { featurePipeline: input.lineage.pipeline }),
      profile,
      metrics: numericMetrics(input.metrics),
      params: ctx.params,
      trainingData: [input.lineage.dataset, input.lineage.split].map(({ uri, bytes, sha256 }) => ({ uri, bytes, sha256 })),
      tags: { source: input.lineage.source, gate: input.gateSummary.slice(0, 500) },
      description: `trained by ${ctx.dagId} run ${ctx.workflowId}`,
    });
    const out: RegisterModelOutput = { modelName: v.name, version: v.version };
    if (input.promoteTo !== null) {
      const moved = await promoteVersion(s, {
        name: input.modelName,
        alias: input.promoteTo,
        version: v.version,
        actor: `dag:${ctx.dagId}/${ctx.workflowId}`,
        reason: input.gateSummary,
        requestId: `${ctx.runId}/${ctx.taskId}/promote`,
        ...(input.comparedWith !== undefined && { expectedVersion: input.comparedWith }),
      });
      if (moved.refused !== undefined) {
        out.promotionRefused = moved.refused;
        ctx.log.warn('promotion refused', { modelName: v.name, version: v.version, reason: moved.refused });
      } else out.promoted = { alias: input.promoteTo, previousVersion: moved.event.previousVersion };
    }
    ctx.log.info('registered model', { modelName: v.name, version: v.version, promoted: out.promoted?.alias });
    return out;
  };
}
