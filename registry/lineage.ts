/**
 * Lineage both ways. Model version → the run, data, pipeline and params that made it, and the
 * portable copies exported from it (all in its record). Dataset → the model versions (and their
 * runs) trained on it, from the reverse index registration writes under
 * `registry/lineage/datasets/<sha256>/`; keyed by checksum, so the same bytes at two URIs are one dataset.
 */
import { datasetRunsDir } from '../storage/artifacts/manifest';
import { getDoc, listKeys } from '../storage/documents';
import { datasetUsesDir } from './layout';
import { getVersion } from './read';
import { RegistryError, type ArtifactRef, type ModelVersion, type ArtifactStore, type RunSource } from './types';

export interface VersionLineage {
  name: string;
  version: number;
  status: ModelVersion['status'];
  run: RunSource;
  params: unknown;
  metrics: Record<string, number>;
  model: ArtifactRef;
  featurePipeline?: ArtifactRef;
  trainingData: ArtifactRef[];
  /** Portable copies by format (`models export`, ml_retrain's export param); {} when there is none. */
  exports: NonNullable<ModelVersion['exports']>;
}

export async function lineageOfVersion(s: ArtifactStore, name: string, version: number): Promise<VersionLineage> {
  const v = await getVersion(s, name, version);
  return {
    name: v.name,
    version: v.version,
    status: v.status,
    run: v.source,
    params: v.params,
    metrics: v.metrics,
    model: v.model,
    ...(v.featurePipeline && { featurePipeline: v.featurePipeline }),
    trainingData: v.trainingData,
    exports: v.exports ?? {},
  };
}

export interface DatasetLineage {
  sha256: string;
  modelVersions: { name: string; version: number; status: ModelVersion['status'] }[];
  /** The DAG runs that trained those versions, one entry per run. */
  runs: RunSource[];
  /** Every DAG run task that read it (from run manifests), whether or not the run registered a model. */
  readBy: { dagId: string; workflowId: string; runId: string; taskId: string }[];
}

export async function lineageOfDataset(s: ArtifactStore, sha256: string): Promise<DatasetLineage> {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new RegistryError(`not a sha256 digest: ${JSON.stringify(sha256)}`);
  const dir = datasetUsesDir(s, sha256);
  const keys = await listKeys(s, dir);
  const uses = keys.flatMap((k) => {
    const m = /^([^/~][^/]*)\/(\d+)$/.exec(k.slice(dir.length));
    return m?.[1] !== undefined && m[2] !== undefined ? [{ name: m[1], version: Number(m[2]) }] : [];
  });
  const versions = await Promise.all(uses.map((u) => getVersion(s, u.name, u.version)));
  const runs = new Map<string, RunSource>();
  for (const v of versions) runs.set(`${v.source.workflowId}/${v.source.runId}`, v.source);
  const readers = await Promise.all(
    keys.filter((k) => k.startsWith(datasetRunsDir(s, sha256))).map((k) => getDoc<DatasetLineage['readBy'][number]>(s, k)),
  );
  return {
    sha256,
    modelVersions: versions.map((v) => ({ name: v.name, version: v.version, status: v.status })),
    runs: [...runs.values()],
    readBy: readers.flatMap((d) => (d ? [d.value] : [])),
  };
}
