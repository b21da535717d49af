/**
 * register: file the model, its test metrics and its lineage as a candidate of the model
 * (`${prefix}models/<modelName>/candidates/<workflowId>.json`, as before), and register it as
 * a version in the model registry (registry/), idempotently per run + task, so a retried
 * task returns the same version. It also saves a reference profile of the raw training data
 * (`${prefix}models/<modelName>/profiles/<workflowId>.json`, see ./profile.ts) and records it
 * on the version as `profile`: the drift monitor's baseline. Promotion to an alias stays a separate, deliberate step.
 */
import { ApplicationFailure } from '@temporalio/common';
import { registerModelVersion } from '../../registry';
import type { TaskContext } from '../context';
import { readModel } from './artifacts';
import { buildProfile } from './profile';
import { getArtifact, putArtifact, type StoreProvider } from './store';
import type { ArtifactRef, EvalMetrics, Row } from './types';

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
  /** The model registry version this run's model became. */
  version: number;
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
    // The drift baseline: a bounded, seeded sample of the training rows plus per-feature histograms.
    const rawRows = await getArtifact(s, input.lineage.rawDataset);
    const profile = Array.isArray(rawRows)
      ? await putArtifact(s, `${s.prefix}models/${input.modelName}/profiles/${ctx.workflowId}.json`, buildProfile(rawRows as Row[]))
      : undefined;
    const { accuracy, macroF1, logLoss, n } = input.metrics;
    const v = await registerModelVersion(s, {
      name: input.modelName,
      model: input.model,
      featurePipeline: input.lineage.pipeline,
      ...(profile && { profile }),
      metrics: { accuracy, macroF1, logLoss, n },
      params: ctx.params,
      trainingData: [input.lineage.rawDataset, input.lineage.cleanDataset, input.lineage.split],
      source: { dagId: ctx.dagId, workflowId: ctx.workflowId, runId: ctx.runId, taskId: ctx.taskId, logicalDate: ctx.logicalDate },
      tags: { source: input.lineage.source },
      description: `candidate ${ctx.workflowId}`,
      idempotencyKey: `${ctx.workflowId}/${ctx.taskId}`,
    });
    if (v.status !== 'ready') throw ApplicationFailure.nonRetryable(`version ${v.version} of ${v.name} is ${v.status}: ${v.statusMessage ?? ''}`, 'FailedRegistration');
    ctx.log.info('registered candidate', { modelName: input.modelName, uri: ref.uri, version: v.version });
    return { ...ref, modelName: input.modelName, candidate: ctx.workflowId, version: v.version };
  };
}
