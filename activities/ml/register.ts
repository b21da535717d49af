/**
 * register: file the model, its test metrics and its lineage as a candidate of the model.
 * Deliberately minimal: each run that passes the gate writes one document,
 * `${prefix}models/<modelName>/candidates/<workflowId>.json`. The real model registry
 * (versions, aliases such as "champion", promotion and rollback) is a later issue.
 */
import type { TaskContext } from '../context';
import { readModel } from './artifacts';
import { putArtifact, type StoreProvider } from './store';
import type { ArtifactRef, EvalMetrics } from './types';

export interface RegisterInput {
  modelName: string;
  model: ArtifactRef;
  metrics: EvalMetrics;
  /** Where the model came from: artifact URIs of the run's data and feature pipeline. */
  lineage: { source: string; rawDataset: ArtifactRef; cleanDataset: ArtifactRef; split: ArtifactRef; pipeline: ArtifactRef };
}

export interface RegisterOutput extends ArtifactRef {
  modelName: string;
  candidate: string;
}

export function registerCandidate(store: StoreProvider) {
  return async (input: RegisterInput, ctx: TaskContext): Promise<RegisterOutput> => {
    const s = store();
    const model = await readModel(s, input.model);
    const doc = {
      format: 'tideflow.model-candidate',
      version: 1,
      modelName: input.modelName,
      candidate: ctx.workflowId,
      model,
      modelArtifact: input.model,
      metrics: input.metrics,
      lineage: {
        dagId: ctx.dagId,
        workflowId: ctx.workflowId,
        runId: ctx.runId,
        logicalDate: ctx.logicalDate,
        params: ctx.params,
        ...input.lineage,
      },
    };
    const key = `${s.prefix}models/${input.modelName}/candidates/${ctx.workflowId}.json`;
    const ref = await putArtifact(s, key, doc);
    ctx.log.info('registered candidate', { modelName: input.modelName, uri: ref.uri });
    return { ...ref, modelName: input.modelName, candidate: ctx.workflowId };
  };
}
