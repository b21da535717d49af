/** Model, pipeline and dataset artifacts to register, written through the real content store. */
import { putArtifactBytes } from '../../storage/artifacts';
import type { ArtifactRef, RegisterRequest, ArtifactStore } from '../../registry';

export async function artifact(store: ArtifactStore, content: string): Promise<ArtifactRef> {
  const { uri, bytes, sha256 } = await putArtifactBytes(store, content);
  return { uri, bytes, sha256 };
}

export interface Inputs {
  model: ArtifactRef;
  pipeline: ArtifactRef;
  datasets: ArtifactRef[];
}

export async function inputs(store: ArtifactStore, tag: string): Promise<Inputs> {
  const [model, pipeline, a, b] = await Promise.all([
    artifact(store, `model ${tag}`),
    artifact(store, `pipeline ${tag}`),
    artifact(store, `dataset A ${tag}`),
    artifact(store, `dataset B ${tag}`),
  ]);
  return { model, pipeline, datasets: [a, b] };
}

export function request(name: string, i: Inputs, run: string, extra: Partial<RegisterRequest> = {}): RegisterRequest {
  return {
    name,
    model: i.model,
    featurePipeline: i.pipeline,
    metrics: { accuracy: 0.9 },
    params: { l2: 0.01 },
    trainingData: [i.datasets[0] as ArtifactRef],
    source: { dagId: 'ml_retrain', workflowId: run, runId: `temporal-${run}`, taskId: 'register', logicalDate: '2024-01-01T00:00:00.000Z' },
    idempotencyKey: `${run}/register`,
    ...extra,
  };
}
