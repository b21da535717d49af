/**
 * The serve benchmark's traffic-moving parts, against the server process:
 *   - a promotion during open-loop load at a target rate (2,000 req/s): the alias moves v1 → v2
 *     mid-run; measured (by response time): the first v2 answer and the last v1 answer after the move,
 *     errors, and mixed answers (a response whose probability is not the one its reported version
 *     computes for that row, checked against both versions scored in this process);
 *   - a canary at 10 % (the rollout workflow on the bench's worker): the candidate's observed share
 *     over 10,000 requests keyed by their request id, then 1,000 route keys × 5 requests each: keys
 *     whose answering version changed within the step (must be 0).
 */
import type { Client } from '@temporalio/client';
import { rolloutResult, signalRollout, startRollout } from '../client/rollouts';
import { readRollout } from '../registry/rollout-store';
import { promoteVersion, type ArtifactStore } from '../registry';
import { invoke, MODEL, type Answer } from './serve-setup';
import { round } from './stats';

export interface PromotionResult {
  targetPerS: number;
  achievedPerS: number;
  requests: number;
  errors: number;
  mixed: number;
  /** The first v2 answer received, after the alias moved (ms). */
  firstV2AfterMs: number;
  /** The last v1 answer received, after the alias moved (0 if none came after): the switch is over by then. */
  lastV1AfterMs: number;
  skippedAtCap: number;
}

const MAX_IN_FLIGHT = 256;

/** `expected[v][i]`: the probability of 'late' version v gives body i. */
export async function promotionUnderLoad(
  url: string,
  store: ArtifactStore,
  bodies: readonly string[],
  expected: Record<number, Float64Array>,
  o: { ratePerS: number; seconds: number; promoteAtS: number; from: number; to: number },
): Promise<PromotionResult> {
  const answers: (Answer & { doneAt: number; body: number })[] = [];
  let inFlight = 0;
  let sent = 0;
  let skipped = 0;
  let errors = 0;
  const pending = new Set<Promise<void>>();
  const t0 = performance.now();
  let promotedAt = Infinity;
  const promotion = (async () => {
    await new Promise((r) => setTimeout(r, o.promoteAtS * 1000));
    await promoteVersion(store, { name: MODEL, alias: 'champion', version: o.to, actor: 'bench', reason: 'promotion under load' });
    promotedAt = performance.now() - t0;
  })();
  while (performance.now() - t0 < o.seconds * 1000) {
    const due = Math.floor(((performance.now() - t0) / 1000) * o.ratePerS) - sent - skipped;
    for (let k = 0; k < due; k++) {
      if (inFlight >= MAX_IN_FLIGHT) {
        skipped++;
        continue;
      }
      const i = (sent + skipped) % bodies.length;
      sent++;
      inFlight++;
      const p = invoke(url, bodies[i] as string)
        .then(
          (a) => void answers.push({ ...a, doneAt: performance.now() - t0, body: i }),
          () => void errors++,
        )
        .finally(() => {
          inFlight--;
          pending.delete(p);
        });
      pending.add(p);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(pending);
  await promotion;
  const wallS = (performance.now() - t0) / 1000;
  let mixed = 0;
  for (const a of answers) {
    if (a.status !== 200) errors++;
    else if (a.version === undefined || Math.abs((expected[a.version]?.[a.body] ?? NaN) - (a.proba ?? NaN)) > 1e-9) mixed++;
  }
  // Response times, not send times: under overload a request waits in the client's queue, so when
  // it was generated says nothing of when the server answered it. Conservative: includes queueing.
  const v2 = answers.filter((a) => a.version === o.to).map((a) => a.doneAt);
  const v1 = answers.filter((a) => a.version === o.from).map((a) => a.doneAt);
  return {
    targetPerS: o.ratePerS,
    achievedPerS: Math.round(answers.length / wallS),
    requests: answers.length,
    errors,
    mixed,
    firstV2AfterMs: round(Math.min(...v2) - promotedAt),
    lastV1AfterMs: round(Math.max(0, Math.max(...v1) - promotedAt)),
    skippedAtCap: skipped,
  };
}

export interface CanaryResult {
  weightPercent: number;
  requests: number;
  candidateShare: number;
  keys: number;
  requestsPerKey: number;
  keysOnCandidate: number;
  keysThatChangedVersion: number;
  errors: number;
}

async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        out[i] = await fn(i);
      }
    }),
  );
  return out;
}

export async function canaryShare(
  client: Client,
  taskQueue: string,
  url: string,
  store: ArtifactStore,
  bodies: readonly string[],
  o: { candidate: number; weight: number; requests: number; keys: number; perKey: number },
): Promise<CanaryResult> {
  await startRollout(
    client,
    {
      model: MODEL,
      candidate: o.candidate,
      strategy: 'canary',
      steps: [o.weight, 100],
      stepSeconds: 3600,
      // Measuring the split, not judging the candidate: guards that cannot end the step early.
      guards: { maxErrorRate: 1, maxLatencyP95Ms: 1e9, maxLatencyP99Ms: 1e9, maxDisagreement: 1, maxPredictionDrift: 1 },
      reason: 'bench: canary share',
    },
    taskQueue,
  );
  try {
    for (let i = 0; i < 100 && (await readRollout(store, MODEL))?.state.status !== 'running'; i++)
      await new Promise((r) => setTimeout(r, 100));
    // The server follows the state every poll (1 s by default) and loads the candidate before routing to it.
    for (let i = 0; i < 100; i++) {
      const probes = await pool(50, 8, (k) => invoke(url, bodies[k] as string));
      if (probes.some((a) => a.version === o.candidate)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 500));
    const byRequest = await pool(o.requests, 8, (i) =>
      invoke(url, bodies[i % bodies.length] as string, { 'x-request-id': `bench-${i}-${Math.random()}` }),
    );
    const byKey = await pool(o.keys * o.perKey, 8, (i) =>
      invoke(url, bodies[i % bodies.length] as string, { 'x-tideflow-route-key': `user-${i % o.keys}` }).then((a) => ({
        key: i % o.keys,
        a,
      })),
    );
    const versions = new Map<number, Set<number | undefined>>();
    for (const { key, a } of byKey) versions.set(key, (versions.get(key) ?? new Set()).add(a.version));
    return {
      weightPercent: o.weight,
      requests: byRequest.length,
      candidateShare: round((100 * byRequest.filter((a) => a.version === o.candidate).length) / byRequest.length, 2),
      keys: o.keys,
      requestsPerKey: o.perKey,
      keysOnCandidate: [...versions.values()].filter((v) => v.has(o.candidate)).length,
      keysThatChangedVersion: [...versions.values()].filter((v) => v.size > 1).length,
      errors: [...byRequest, ...byKey.map((k) => k.a)].filter((a) => a.status !== 200).length,
    };
  } finally {
    await signalRollout(client, MODEL, 'abort', 'bench: canary share measured');
    await rolloutResult(client, MODEL);
    // Until the server followed the abort (its next poll), so the promotion starts from v1 only.
    for (let i = 0; i < 200; i++) {
      const probes = await pool(100, 8, (k) => invoke(url, bodies[k] as string));
      if (probes.every((a) => a.version !== o.candidate)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
