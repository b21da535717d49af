/**
 * Register a model version. Numbers are claimed with If-None-Match on `versions/<n>.json`:
 * of N concurrent writers exactly one creates each key, losers try n+1, so N registrations
 * get N consecutive numbers with no duplicates and no gaps (a number is only skipped when it
 * is taken). Versions are never removed, so numbers are never reused.
 *
 * Idempotency: an `idempotency/<hash>.json` record, created once per key (run + task), binds
 * the key to its version. A retry (the worker died after writing) finds it and returns that
 * version; an attempt that died between claiming a number and binding it is found by scanning
 * the versions claimed since the record was made, so it is adopted rather than duplicated.
 */
import { randomUUID } from 'node:crypto';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { parseS3Uri } from '../storage/s3-uri';
import { isNotFound } from '../storage/artifacts/s3-errors';
import { getDoc, getParsedDoc, listKeys, putDoc } from '../storage/documents';
import { datasetUseKey, idempotencyKeyPath, modelKey, versionKey, versionOfKey, versionsDir } from './layout';
import { validateModelName } from './names';
import {
  modelVersionDocument,
  registeredModelDocument,
  RegistryError,
  type ArtifactRef,
  type ModelVersion,
  type RegisteredModel,
  type ArtifactStore,
  type RunSource,
} from './types';

export interface RegisterRequest {
  name: string;
  model: ArtifactRef;
  featurePipeline?: ArtifactRef;
  /** Reference profile of the training data (the drift monitor's baseline). */
  profile?: ArtifactRef;
  metrics?: Record<string, number>;
  params?: unknown;
  trainingData?: ArtifactRef[];
  source: RunSource;
  tags?: Record<string, string>;
  description?: string;
  /** The same key registers once: use `<DAG run id>/<task id>`. */
  idempotencyKey: string;
}

interface IdempotencyRecord {
  key: string;
  version: number | null;
  /** Highest version that existed before this key claimed one: orphans are above it. */
  floor: number;
  createdAt: string;
}

export async function latestVersionNumber(s: ArtifactStore, name: string): Promise<number> {
  const keys = await listKeys(s, versionsDir(s, name));
  const last = keys.length > 0 ? versionOfKey(keys[keys.length - 1] ?? '') : undefined;
  return last ?? 0;
}

async function ensureModel(s: ArtifactStore, name: string, now: string): Promise<void> {
  const model: RegisteredModel = { ...registeredModelDocument.head, name, description: '', createdAt: now };
  await putDoc(s, modelKey(s, name), model, { ifNoneMatch: true }); // 'conflict' = already registered: fine
}

async function claimVersion(s: ArtifactStore, draft: Omit<ModelVersion, 'version'>): Promise<number> {
  for (let n = (await latestVersionNumber(s, draft.name)) + 1; ; n++) {
    const record: ModelVersion = { ...draft, version: n };
    if ((await putDoc(s, versionKey(s, draft.name, n), record, { ifNoneMatch: true })) !== 'conflict') return n;
    // The SDK retries a PUT whose response was lost (server crash); its retry then "conflicts" with our own write.
    if ((await getParsedDoc(s, versionKey(s, draft.name, n), modelVersionDocument))?.value.claimToken === draft.claimToken) return n;
  }
}

async function findOrphan(s: ArtifactStore, name: string, key: string, floor: number): Promise<number | undefined> {
  const keys = await listKeys(s, versionsDir(s, name), versionKey(s, name, floor));
  for (const k of keys) {
    const doc = await getParsedDoc(s, k, modelVersionDocument);
    if (doc?.value.idempotencyKey === key) return doc.value.version;
  }
  return undefined;
}

async function artifactMissing(s: ArtifactStore, ref: ArtifactRef): Promise<string | undefined> {
  try {
    const { bucket, key } = parseS3Uri(ref.uri);
    const head = await s.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    if (head.ContentLength !== undefined && head.ContentLength !== ref.bytes)
      return `${ref.uri} has ${head.ContentLength} bytes, not ${ref.bytes}`;
    return undefined;
  } catch (err) {
    if (isNotFound(err)) return `${ref.uri} does not exist`;
    throw err;
  }
}

/** Move a pending version to ready (or failed_registration when its model artifact is missing). */
async function finish(s: ArtifactStore, name: string, version: number): Promise<ModelVersion> {
  for (;;) {
    const doc = await getParsedDoc(s, versionKey(s, name, version), modelVersionDocument);
    if (!doc) throw new RegistryError(`version ${version} of ${name} vanished`);
    const v = doc.value;
    if (v.status !== 'pending_registration') return v;
    const problem = await artifactMissing(s, v.model);
    if (!problem) {
      // Index before READY: a ready version is always reachable from its datasets.
      const uses = v.trainingData.map((d) => putDoc(s, datasetUseKey(s, d.sha256, name, version), { name, version, uri: d.uri }, {}));
      await Promise.all(uses);
    }
    const next: ModelVersion = {
      ...v,
      status: problem ? 'failed_registration' : 'ready',
      ...(problem !== undefined && { statusMessage: `model artifact unusable: ${problem}` }),
      updatedAt: new Date().toISOString(),
    };
    if ((await putDoc(s, versionKey(s, name, version), next, { ifMatch: doc.etag })) !== 'conflict') return next;
  }
}

/** Register (or, for a known idempotency key, return) a version; resolves once it is ready or failed. */
export async function registerModelVersion(s: ArtifactStore, req: RegisterRequest): Promise<ModelVersion> {
  const name = validateModelName(req.name);
  const now = new Date().toISOString();
  await ensureModel(s, name, now);
  const idemPath = idempotencyKeyPath(s, name, req.idempotencyKey);
  let idem = await getDoc<IdempotencyRecord>(s, idemPath);
  if (!idem) {
    const fresh: IdempotencyRecord = { key: req.idempotencyKey, version: null, floor: await latestVersionNumber(s, name), createdAt: now };
    const etag = await putDoc(s, idemPath, fresh, { ifNoneMatch: true });
    idem = etag === 'conflict' ? await getDoc<IdempotencyRecord>(s, idemPath) : { value: fresh, etag };
    if (!idem) throw new RegistryError(`idempotency record for ${req.idempotencyKey} vanished`);
  }
  if (idem.value.version !== null) return finish(s, name, idem.value.version);

  const draft: Omit<ModelVersion, 'version'> = {
    ...modelVersionDocument.head,
    name,
    status: 'pending_registration',
    model: req.model,
    ...(req.featurePipeline && { featurePipeline: req.featurePipeline }),
    ...(req.profile && { profile: req.profile }),
    metrics: req.metrics ?? {},
    params: req.params ?? {},
    trainingData: req.trainingData ?? [],
    source: req.source,
    tags: req.tags ?? {},
    description: req.description ?? '',
    createdAt: now,
    updatedAt: now,
    idempotencyKey: req.idempotencyKey,
    claimToken: randomUUID(),
  };
  const version = (await findOrphan(s, name, req.idempotencyKey, idem.value.floor)) ?? (await claimVersion(s, draft));
  const bound = await putDoc(s, idemPath, { ...idem.value, version }, { ifMatch: idem.etag });
  if (bound === 'conflict') {
    // A concurrent attempt with the same key bound first: ours is a duplicate, marked failed so it is never served.
    const winner = await getDoc<IdempotencyRecord>(s, idemPath);
    if (winner?.value.version != null && winner.value.version !== version) {
      await markFailed(s, name, version, `duplicate of version ${winner.value.version} (same idempotency key)`);
      return finish(s, name, winner.value.version);
    }
  }
  return finish(s, name, version);
}

async function markFailed(s: ArtifactStore, name: string, version: number, message: string): Promise<void> {
  const doc = await getParsedDoc(s, versionKey(s, name, version), modelVersionDocument);
  if (!doc || doc.value.status !== 'pending_registration') return;
  const next: ModelVersion = { ...doc.value, status: 'failed_registration', statusMessage: message, updatedAt: new Date().toISOString() };
  await putDoc(s, versionKey(s, name, version), next, { ifMatch: doc.etag });
}
