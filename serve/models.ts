/**
 * The models this server answers with, loaded from the registry on first use and cached.
 *
 * A version is immutable once registered, so (name, version) → loaded model is cached for the
 * process's life. An alias is watched: after its first use, a poller re-reads the alias document
 * every `pollMs` with a conditional GET (If-None-Match on its ETag, so an unchanged alias costs
 * one 304), and when it names another version, that version is loaded *completely* (document read,
 * checksum verified, parsed) before the alias entry is swapped to it. A request takes the entry once
 * (`resolve`), so it is answered by exactly one version whatever happens meanwhile, and requests
 * during a swap keep getting the old version until the new one is ready: no failures, no mixing.
 * If the alias cannot be read, or names a version that is not ready, the old version stays in service.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { parseModelDocument, type LoadedModel } from '../ml/predict';
import { getVersion, NotFoundError, RegistryError, type AliasRecord, type ArtifactStore } from '../registry';
import { aliasKey } from '../registry/layout';
import { ArtifactError } from '../core/errors';
import { getJson } from '../storage/artifacts/objects';
import { HttpError } from './errors';
import { refText, type ModelRef } from './model-ref';
import { loadOnnxEngine, type OnnxScorer } from './onnx-engine';

export interface ServedModel {
  name: string;
  version: number;
  model: LoadedModel;
  /** Set when the server scores through ONNX (TIDEFLOW_SERVE_ENGINE=onnx): serve/onnx-engine.ts. */
  onnx?: OnnxScorer;
  uri: string;
  loadedAt: string;
}

export interface Resolved {
  served: ServedModel;
  /** Set when the request named an alias. */
  alias?: string;
}

interface AliasWatch {
  name: string;
  alias: string;
  current: ServedModel;
  etag: string;
}

export interface ModelCacheOptions {
  pollMs: number;
  /** 'onnx': export each loaded version and score it with onnxruntime-node (default 'native'). */
  engine?: 'native' | 'onnx';
  log: (line: string) => void;
  /** Called after an alias moved and the new version is in service. */
  onSwap?: (name: string, alias: string, from: number, to: number) => void;
}

type AliasDoc = { record: AliasRecord; etag: string } | 'unchanged' | undefined;

async function readAlias(s: ArtifactStore, name: string, alias: string, etag?: string): Promise<AliasDoc> {
  try {
    const res = await s.s3.send(new GetObjectCommand({ Bucket: s.bucket, Key: aliasKey(s, name, alias), IfNoneMatch: etag }));
    const text = await res.Body?.transformToString('utf8');
    if (text === undefined || res.ETag === undefined) throw new Error(`empty response for alias ${name}@${alias}`);
    return { record: JSON.parse(text) as AliasRecord, etag: res.ETag };
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 304) return 'unchanged';
    if (status === 404 || (err as Error).name === 'NoSuchKey' || (err as Error).name === 'NotFound') return undefined;
    throw err;
  }
}

export class ModelCache {
  private readonly versions = new Map<string, Promise<ServedModel>>();
  /** The versions whose load finished: what `peek` answers from without a promise. */
  private readonly loaded = new Map<string, ServedModel>();
  private readonly watches = new Map<string, AliasWatch>();
  private readonly firstLoads = new Map<string, Promise<AliasWatch>>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly store: ArtifactStore,
    private readonly o: ModelCacheOptions,
  ) {}

  /** The model a request is answered with (loading it on first use). */
  async resolve(ref: ModelRef): Promise<Resolved> {
    if (ref.version !== undefined) return { served: await this.loadVersion(ref.name, ref.version) };
    const key = refText(ref);
    const watch = this.watches.get(key) ?? (await this.watchAlias(key, ref.name, ref.alias));
    return { served: watch.current, alias: ref.alias };
  }

  /**
   * The model a request is answered with when it is loaded already (every request but a model's
   * first ones), synchronously; undefined when it must be loaded (then `resolve`).
   */
  peek(ref: ModelRef): Resolved | undefined {
    if (ref.version !== undefined) {
      const served = this.loaded.get(`${ref.name}/${ref.version}`);
      return served && { served };
    }
    const watch = this.watches.get(`${ref.name}@${ref.alias}`);
    return watch && { served: watch.current, alias: ref.alias };
  }

  /** Aliases being watched, with the version each serves now. */
  served(): { ref: string; version: number }[] {
    return [...this.watches.entries()].map(([ref, w]) => ({ ref, version: w.current.version }));
  }

  start(): void {
    const tick = async (): Promise<void> => {
      await Promise.all([...this.watches.values()].map((w) => this.refresh(w)));
      if (!this.stopped) this.timer = setTimeout(() => void tick(), this.o.pollMs);
    };
    this.timer = setTimeout(() => void tick(), this.o.pollMs);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private watchAlias(key: string, name: string, alias: string): Promise<AliasWatch> {
    let pending = this.firstLoads.get(key);
    if (!pending) {
      pending = (async () => {
        const doc = await this.readAliasOrFail(name, alias);
        const current = await this.loadVersion(name, doc.record.version);
        const watch: AliasWatch = { name, alias, current, etag: doc.etag };
        this.watches.set(key, watch);
        this.o.log(`serving ${key} = version ${current.version}`);
        return watch;
      })();
      this.firstLoads.set(key, pending);
      // A failed first load is not remembered: the next request tries again.
      pending.then(
        () => this.firstLoads.delete(key),
        () => this.firstLoads.delete(key),
      );
    }
    return pending;
  }

  private async readAliasOrFail(name: string, alias: string): Promise<{ record: AliasRecord; etag: string }> {
    let doc: AliasDoc;
    try {
      doc = await readAlias(this.store, name, alias);
    } catch (err) {
      throw unavailable(`reading alias ${name}@${alias}`, err);
    }
    if (doc === undefined || doc === 'unchanged')
      throw new HttpError(404, `model '${name}' has no alias '${alias}' (or is not registered)`);
    return doc;
  }

  private async refresh(w: AliasWatch): Promise<void> {
    const key = `${w.name}@${w.alias}`;
    try {
      const doc = await readAlias(this.store, w.name, w.alias, w.etag);
      if (doc === 'unchanged') return;
      if (doc === undefined) {
        this.o.log(`alias ${key} is gone from the registry; still serving version ${w.current.version}`);
        return;
      }
      if (doc.record.version !== w.current.version) {
        const from = w.current.version;
        // Loaded in full before the swap: requests keep the old version until this resolves.
        w.current = await this.loadVersion(w.name, doc.record.version);
        this.o.log(`alias ${key} moved: version ${from} → ${w.current.version} (now serving it)`);
        this.o.onSwap?.(w.name, w.alias, from, w.current.version);
      }
      w.etag = doc.etag;
    } catch (err) {
      this.o.log(
        `alias ${key}: could not follow it (${err instanceof Error ? err.message : String(err)}); still serving version ${w.current.version}`,
      );
    }
  }

  private loadVersion(name: string, version: number): Promise<ServedModel> {
    const key = `${name}/${version}`;
    let pending = this.versions.get(key);
    if (!pending) {
      pending = this.load(name, version);
      this.versions.set(key, pending);
      pending.then(
        (served) => this.loaded.set(key, served),
        () => this.versions.delete(key),
      );
    }
    return pending;
  }

  private async load(name: string, version: number): Promise<ServedModel> {
    let v;
    try {
      v = await getVersion(this.store, name, version);
    } catch (err) {
      if (err instanceof NotFoundError) throw new HttpError(404, `model '${name}' has no version ${version} (or is not registered)`);
      if (err instanceof RegistryError) throw new HttpError(400, err.message);
      throw unavailable(`reading ${name} version ${version}`, err);
    }
    if (v.deletedAt !== undefined) throw new HttpError(404, `version ${version} of model '${name}' is deleted`);
    if (v.status !== 'ready') throw new HttpError(404, `version ${version} of model '${name}' is ${v.status}, not ready`);
    let doc: unknown;
    try {
      doc = await getJson(this.store, v.model);
    } catch (err) {
      if (err instanceof ArtifactError) throw new HttpError(500, `model '${name}' version ${version}: artifact ${err.message}`);
      throw unavailable(`reading the artifact of ${name} version ${version}`, err);
    }
    // A bad document is this deployment's problem, not the client's: 500 with the reason.
    const model = (() => {
      try {
        return parseModelDocument(doc, v.model.uri);
      } catch (err) {
        throw new HttpError(500, `model '${name}' version ${version}: ${(err as Error).message}`);
      }
    })();
    const onnx = this.o.engine === 'onnx' ? await loadOnnxEngine(model, name, version) : undefined;
    return { name, version, model, ...(onnx && { onnx }), uri: v.model.uri, loadedAt: new Date().toISOString() };
  }
}

function unavailable(what: string, err: unknown): HttpError {
  return new HttpError(503, `registry unavailable while ${what}: ${err instanceof Error ? err.message : String(err)}`);
}
