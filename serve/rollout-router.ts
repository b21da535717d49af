/**
 * Traffic splitting for rollouts (issue 12.3–12.4). The split comes from the model's rollout state
 * document in S3, never from this process's memory, so every server process routes alike: each
 * watches the document (a conditional GET every pollMs, like aliases) and applies a new state only
 * once the candidate it names is loaded, so a request is never routed to a version still loading.
 *
 * A request for the rollout's alias is answered by exactly one version: the candidate when its
 * routing key (header X-Tideflow-Route-Key, else the request id) hashes below the candidate's share
 * (sticky per key), else the alias's version (stable). Shadow: the stable version answers, and after
 * the response is sent the candidate scores the same body off the response path; its predictions
 * are logged and compared with the stable answer. Requests pinning a version are never rerouted.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { FastifyRequest } from 'fastify';
import { Counter, Gauge } from 'prom-client';
import type { ColumnSchema } from '../ml/frame/frame';
import { frameForModel, scoreFrame, type InputColumns, type Scores } from '../ml/predict';
import type { Role } from '../mlops/rollout-guards';
import { routesToCandidate } from '../mlops/rollout-guards';
import { isActive, RolloutStateFormat, type RolloutState } from '../mlops/rollout-state';
import type { ArtifactStore } from '../registry';
import { rolloutKey } from '../registry/rollout-store';
import type { ServeMetrics } from './metrics';
import type { ModelRef } from './model-ref';
import type { ModelCache, Resolved, ServedModel } from './models';
import type { PredictionLog } from './prediction-log';
import { RolloutStats } from './rollout-stats';

const ROUTE_KEY = /^[\w.:@-]{1,256}$/;
/** Shadow scorings waiting for the event loop; past this they are skipped (and counted), never queued without bound. */
const MAX_PENDING_SHADOWS = 64;

interface Watch {
  model: string;
  state: RolloutState | undefined;
  etag: string | undefined;
}

interface Routing {
  model: string;
  rolloutId: string;
  step: number;
  role: Role;
}

interface Decision {
  routing?: Routing;
  /** The candidate version that answers (shadow false) or scores a copy (shadow true). */
  candidate?: number;
  shadow?: boolean;
}

export interface Routed {
  resolved: Resolved;
  /** Set while a rollout splits this request's alias. */
  routing?: Routing;
  /** Shadow: the candidate to score a copy with, after the response. */
  shadow?: ServedModel;
}

type ConditionalRead = { state: RolloutState; etag: string } | 'unchanged' | undefined;

export class RolloutRouter {
  private readonly watches = new Map<string, Watch>();
  private readonly first = new Map<string, Promise<Watch>>();
  private readonly routed = new WeakMap<FastifyRequest, Routing>();
  private readonly pendingShadows = new WeakMap<FastifyRequest, () => void>();
  private readonly stats: RolloutStats;
  private readonly shadowRows: Counter<'model' | 'version'>;
  private readonly shadowDisagreements: Counter<'model' | 'version'>;
  private readonly shadowSkipped: Counter<'model'>;
  private readonly weight: Gauge<'model' | 'candidate'>;
  private pending = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly store: ArtifactStore,
    private readonly models: ModelCache,
    private readonly log: PredictionLog | null,
    metrics: ServeMetrics,
    private readonly o: { pollMs: number; log: (line: string) => void },
  ) {
    this.stats = new RolloutStats(store, { flushMs: o.pollMs, log: o.log });
    const registers = [metrics.registry];
    this.shadowRows = new Counter({
      name: 'tideflow_serve_shadow_rows_total',
      help: 'Rows scored by shadow candidates',
      labelNames: ['model', 'version'],
      registers,
    });
    this.shadowDisagreements = new Counter({
      name: 'tideflow_serve_shadow_disagreements_total',
      help: 'Shadow rows whose candidate prediction differs from the answer sent',
      labelNames: ['model', 'version'],
      registers,
    });
    this.shadowSkipped = new Counter({
      name: 'tideflow_serve_shadow_skipped_total',
      help: 'Shadow scorings skipped (too many pending)',
      labelNames: ['model'],
      registers,
    });
    this.weight = new Gauge({
      name: 'tideflow_serve_rollout_weight',
      help: "Candidate's share (%) of the alias traffic",
      labelNames: ['model', 'candidate'],
      registers,
    });
  }

  /** Choose the version that answers: the alias's (stable) or the rollout candidate's (loading what is needed). */
  async route(ref: ModelRef, resolved: Resolved, req: FastifyRequest): Promise<Routed> {
    if (ref.version !== undefined) return { resolved };
    const watch = this.watches.get(ref.name) ?? (await this.watch(ref.name));
    const d = this.decide(watch, ref, resolved, req);
    if (!d.routing) return { resolved };
    if (d.candidate === undefined) return { resolved, routing: d.routing };
    const candidate = (await this.models.resolve({ name: ref.name, version: d.candidate })).served;
    return this.withCandidate(resolved, d, candidate);
  }

  /**
   * `route` without waiting: the routing when the model's rollout state is followed already and
   * the version it needs is loaded (always, once a state is applied: its candidate is loaded
   * first), else undefined (then `route`).
   */
  routeNow(ref: ModelRef, resolved: Resolved, req: FastifyRequest): Routed | undefined {
    if (ref.version !== undefined) return { resolved };
    const watch = this.watches.get(ref.name);
    if (!watch) return undefined;
    const d = this.decide(watch, ref, resolved, req);
    if (!d.routing) return { resolved };
    if (d.candidate === undefined) return { resolved, routing: d.routing };
    const candidate = this.models.peek({ name: ref.name, version: d.candidate })?.served;
    return candidate && this.withCandidate(resolved, d, candidate);
  }

  /** Which role answers (recorded for the guards), and which candidate version must answer or shadow it. */
  private decide(watch: Watch, ref: ModelRef, resolved: Resolved, req: FastifyRequest): Decision {
    const s = watch.state;
    if (!s || !isActive(s) || s.alias !== ref.alias) return {};
    const header = req.headers['x-tideflow-route-key'];
    const key = typeof header === 'string' && ROUTE_KEY.test(header) ? header : req.id;
    const base = { model: s.model, rolloutId: s.rolloutId, step: s.step };
    if (s.shadow || !routesToCandidate(s.rolloutId, key, s.weight)) {
      const routing: Routing = { ...base, role: 'stable' };
      this.routed.set(req, routing);
      if (!s.shadow || resolved.served.version === s.candidate) return { routing };
      return { routing, candidate: s.candidate, shadow: true };
    }
    const routing: Routing = { ...base, role: 'candidate' };
    this.routed.set(req, routing);
    return { routing, candidate: s.candidate, shadow: false };
  }

  private withCandidate(resolved: Resolved, d: Decision, candidate: ServedModel): Routed {
    const routing = d.routing as Routing;
    if (d.shadow) return { resolved, routing, shadow: candidate };
    return { resolved: { served: candidate, ...(resolved.alias !== undefined && { alias: resolved.alias }) }, routing };
  }

  /** After a routed request was answered: count it for the rollout's guards, then run its shadow scoring if any. */
  answered(req: FastifyRequest, status: number, ms: number): void {
    const r = this.routed.get(req);
    if (r) this.stats.observe(r.model, r.rolloutId, r.step, r.role, status, ms, status === 400);
    const shadow = this.pendingShadows.get(req);
    if (!shadow) return;
    this.pendingShadows.delete(req);
    if (status >= 400) return;
    this.pending++;
    // setImmediate: the response is already on its way; the shadow's CPU time comes after it.
    setImmediate(() => {
      this.pending--;
      shadow();
    });
  }

  /**
   * Remember a shadow scoring for after the response: the same body, parsed for the candidate's own
   * input schema, scored, logged under the candidate's version (same request id), compared with
   * the answer sent. Any failure counts against the candidate and never reaches the caller.
   */
  shadowAfterResponse(req: FastifyRequest, routed: Routed, parse: (schema: readonly ColumnSchema[]) => InputColumns, sent: Scores): void {
    const cand = routed.shadow;
    const r = routed.routing;
    if (!cand || !r) return;
    if (this.pending >= MAX_PENDING_SHADOWS) {
      this.shadowSkipped.inc({ model: cand.name });
      return;
    }
    this.pendingShadows.set(req, () => {
      const started = performance.now();
      try {
        const inputs = frameForModel(cand.model.pipeline.inputs, parse(cand.model.pipeline.inputs));
        const scores = scoreFrame(cand.model, inputs);
        const disagreed = countDisagreements(sent, scores);
        this.stats.observeShadow(r.model, r.rolloutId, r.step, true, performance.now() - started, inputs.rows, disagreed);
        const labels = { model: cand.name, version: String(cand.version) };
        this.shadowRows.inc(labels, inputs.rows);
        this.shadowDisagreements.inc(labels, disagreed);
        this.log?.append(req.id, cand, inputs, scores);
      } catch (err) {
        this.stats.observeShadow(r.model, r.rolloutId, r.step, false, performance.now() - started, 0, 0);
        this.o.log(`shadow scoring of ${cand.name} version ${cand.version} failed (request ${req.id}): ${(err as Error).message}`);
      }
    });
  }

  /** The states being followed (for tests and /metrics). */
  states(): RolloutState[] {
    return [...this.watches.values()].flatMap((w) => (w.state ? [w.state] : []));
  }

  start(): void {
    const tick = async (): Promise<void> => {
      await Promise.all([...this.watches.values()].map((w) => this.refresh(w)));
      if (!this.stopped) this.timer = setTimeout(() => void tick(), this.o.pollMs);
    };
    this.timer = setTimeout(() => void tick(), this.o.pollMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.stats.flush();
  }

  private watch(model: string): Promise<Watch> {
    let p = this.first.get(model);
    if (!p) {
      p = (async () => {
        const w: Watch = { model, state: undefined, etag: undefined };
        await this.refresh(w);
        this.watches.set(model, w);
        return w;
      })();
      this.first.set(model, p);
      void p.finally(() => this.first.delete(model));
    }
    return p;
  }

  private async refresh(w: Watch): Promise<void> {
    let doc: ConditionalRead;
    try {
      doc = await this.read(w.model, w.etag);
    } catch (err) {
      // Keep routing by the last state read: a store outage must not flip traffic.
      this.o.log(`rollout state of ${w.model}: could not read it (${(err as Error).message}); keeping the last one`);
      return;
    }
    if (doc === 'unchanged') return;
    if (doc === undefined) {
      w.state = undefined;
      w.etag = undefined;
      return;
    }
    const next = doc.state;
    if (isActive(next)) {
      try {
        // Loaded before it is applied: no request is routed to a version that is still loading.
        await this.models.resolve({ name: next.model, version: next.candidate });
      } catch (err) {
        this.o.log(
          `rollout of ${w.model}: candidate version ${next.candidate} cannot be loaded (${(err as Error).message}); not routing to it`,
        );
        return;
      }
    }
    const before = w.state;
    w.state = next;
    w.etag = doc.etag;
    this.weight.set({ model: w.model, candidate: String(next.candidate) }, isActive(next) ? next.weight : 0);
    if (before?.status !== next.status || before.weight !== next.weight || before.step !== next.step)
      this.o.log(
        `rollout of ${w.model}: ${next.strategy} v${next.stable} → v${next.candidate} ${next.status}, step ${next.step}, weight ${next.weight}%`,
      );
  }

  private async read(model: string, etag: string | undefined): Promise<ConditionalRead> {
    const key = rolloutKey(this.store, model);
    try {
      const res = await this.store.s3.send(new GetObjectCommand({ Bucket: this.store.bucket, Key: key, IfNoneMatch: etag }));
      const text = await res.Body?.transformToString('utf8');
      if (text === undefined || res.ETag === undefined) throw new Error(`empty response for ${key}`);
      return { state: RolloutStateFormat.parse(JSON.parse(text), key), etag: res.ETag };
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 304) return 'unchanged';
      if (status === 404 || (err as Error).name === 'NoSuchKey' || (err as Error).name === 'NotFound') return undefined;
      throw err;
    }
  }
}

/** Rows whose candidate answer differs from the one sent: the label (classification), or the value beyond 1e-9 relative (regression). */
export function countDisagreements(sent: Scores, candidate: Scores): number {
  let n = 0;
  if (sent.labels && candidate.labels) {
    for (let i = 0; i < sent.labels.length; i++) if (sent.labels[i] !== candidate.labels[i]) n++;
    return n;
  }
  for (let i = 0; i < sent.values.length; i++) {
    const a = sent.values[i] as number;
    const b = candidate.values[i] as number;
    if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(a))) n++;
  }
  return n;
}
