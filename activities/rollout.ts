/**
 * The rollout workflow's activities (workflows/rollout): begin a rollout, move it to a step, check
 * its guards from the servers' published counters, and finish it (promote the candidate to the
 * alias, or roll traffic and the alias back to the stable version). Each is idempotent per rollout
 * id, so Temporal's retry after a lost worker applies it once. Refusals (the candidate is not ready,
 * another rollout owns the model, the alias moved) are non-retryable failures naming the reason.
 */
import { ApplicationFailure } from '@temporalio/common';
import { ArtifactError } from '../core/errors';
import { ModelDocumentError, parseModelDocument } from '../ml/predict';
import { judgeWindow, sumWindows, type Verdict, type WindowCounts } from '../mlops/rollout-guards';
import type { Guards, RolloutPlan } from '../mlops/rollout-plan';
import { isActive, type RolloutState } from '../mlops/rollout-state';
import { getAlias, getVersion, promoteVersion, RegistryError, type ArtifactStore } from '../registry';
import { judgePredictions, type PredictionVerdict } from '../mlops/rollout-predictions';
import { readRollout, readStats, updateRollout } from '../registry/rollout-store';
import { readRolloutAnswers } from './rollout-log';
import { getJson } from '../storage/artifacts/objects';

const refuse = (message: string): ApplicationFailure => ApplicationFailure.create({ message, type: 'RolloutRefused', nonRetryable: true });

export interface BeginInput {
  plan: RolloutPlan;
  rolloutId: string;
}

export interface StepInput {
  model: string;
  rolloutId: string;
  step: number;
  weight: number;
  status: 'running' | 'paused';
  detail: string;
}

export interface CheckInput {
  model: string;
  rolloutId: string;
  step: number;
  shadow: boolean;
  guards: Guards;
}

export interface CheckResult extends Verdict {
  servers: number;
  counts: WindowCounts;
  /** The candidate's logged answers vs the stable version's (prediction log); absent before the state exists. */
  predictions?: PredictionVerdict & { files: number };
}

export interface FinishInput {
  model: string;
  rolloutId: string;
  outcome: 'promoted' | 'rolled-back' | 'aborted';
  reason: string;
}

const now = (): string => new Date().toISOString();

function event(s: RolloutState, status: string, detail: string): RolloutState['history'][number] {
  return { at: now(), status, weight: s.weight, step: s.step, detail };
}

function owned(current: RolloutState | undefined, rolloutId: string, model: string): RolloutState | string {
  if (!current) return `model ${model} has no rollout state`;
  if (current.rolloutId !== rolloutId) return `the rollout state of ${model} belongs to another rollout (${current.rolloutId})`;
  return current;
}

async function checkLoadable(store: ArtifactStore, model: string, version: number): Promise<void> {
  try {
    const v = await getVersion(store, model, version);
    if (v.status !== 'ready') throw refuse(`version ${version} of ${model} is ${v.status}, not ready`);
    if (v.deletedAt !== undefined) throw refuse(`version ${version} of ${model} was deleted`);
    parseModelDocument(await getJson(store, v.model), v.model.uri);
  } catch (err) {
    if (err instanceof ApplicationFailure) throw err;
    if (err instanceof RegistryError) throw refuse(err.message);
    if (err instanceof ModelDocumentError || err instanceof ArtifactError)
      throw refuse(`version ${version} of ${model} cannot be loaded: ${err.message}`);
    throw err;
  }
}

export function rolloutActivities(store: ArtifactStore) {
  return {
    /** Check the candidate loads, find the stable version (the alias's), and claim the model's rollout state. */
    async rolloutBegin({ plan, rolloutId }: BeginInput): Promise<RolloutState> {
      const alias = await getAlias(store, plan.model, plan.alias);
      if (!alias) throw refuse(`model ${plan.model} has no alias ${plan.alias}: promote a first version before rolling out another`);
      await checkLoadable(store, plan.model, plan.candidate);
      const res = await updateRollout(store, plan.model, (current) => {
        if (current?.rolloutId === rolloutId) return current;
        if (current && isActive(current))
          return `a rollout of ${plan.model} is already ${current.status} (${current.rolloutId}): abort it first`;
        if (alias.version === plan.candidate)
          return `version ${plan.candidate} already holds ${plan.model}@${plan.alias}: nothing to roll out`;
        const at = now();
        const state: RolloutState = {
          format: 'tideflow.rollout-state',
          version: 1,
          model: plan.model,
          rolloutId,
          strategy: plan.strategy,
          alias: plan.alias,
          stable: alias.version,
          candidate: plan.candidate,
          weight: plan.weights[0] ?? 0,
          shadow: plan.strategy === 'shadow',
          step: 0,
          steps: plan.weights,
          stepSeconds: plan.stepSeconds,
          guards: plan.guards,
          status: 'running',
          actor: plan.actor,
          startedAt: at,
          updatedAt: at,
          history: [],
        };
        state.history.push(event(state, 'running', `${plan.reason}: v${alias.version} → v${plan.candidate}, step 0 at ${state.weight}%`));
        return state;
      });
      if (typeof res === 'string') throw refuse(res);
      return res;
    },

    /** Enter a step (its share) or pause/resume in one: servers apply it within their poll interval. */
    async rolloutStep(i: StepInput): Promise<RolloutState> {
      const res = await updateRollout(store, i.model, (current) => {
        const s = owned(current, i.rolloutId, i.model);
        if (typeof s === 'string') return s;
        if (!isActive(s)) return s; // already finished: a late retry changes nothing
        if (s.step === i.step && s.weight === i.weight && s.status === i.status) return s;
        const next: RolloutState = { ...s, step: i.step, weight: i.weight, status: i.status, updatedAt: now() };
        next.history = [...s.history, event(next, i.status, i.detail)];
        return next;
      });
      if (typeof res === 'string') throw refuse(res);
      return res;
    },

    /**
     * Judge the candidate: every server's counters of this window (errors, latency, shadow
     * disagreement), then its answers in the prediction log against the stable version's
     * (agreement on rows both scored, prediction-distribution drift). The candidate's rows count from
     * the step's start; the stable version's from one step length before the rollout began, so a
     * blue-green or 100 % step still has a baseline.
     */
    async rolloutCheck(i: CheckInput): Promise<CheckResult> {
      const snaps = await readStats(store, i.model, i.rolloutId, i.step);
      const counts = sumWindows(snaps.map((s) => s.counts));
      const verdict = judgeWindow(i.shadow, counts, i.guards);
      const finite = (ms: number): number => (Number.isFinite(ms) ? ms : Number.MAX_SAFE_INTEGER);
      // Infinity does not survive JSON: the overflow bucket reads as a large finite number.
      const result: CheckResult = {
        ...verdict,
        latencyP95Ms: finite(verdict.latencyP95Ms),
        latencyP99Ms: finite(verdict.latencyP99Ms),
        servers: snaps.length,
        counts,
      };
      const state = (await readRollout(store, i.model))?.state;
      if (!state || state.rolloutId !== i.rolloutId) return result;
      const started = Date.parse(state.startedAt);
      const stepStart = state.history.find((e) => e.step === i.step && (e.status === 'running' || e.status === 'paused'))?.at;
      const logged = await readRolloutAnswers(store, {
        model: i.model,
        stable: { version: state.stable, since: started - state.stepSeconds * 1000 },
        candidate: { version: state.candidate, since: stepStart ? Date.parse(stepStart) : started },
        now: Date.now(),
      });
      const predictions = judgePredictions(logged.stable, logged.candidate, i.guards);
      result.predictions = { ...predictions, files: logged.files };
      if (result.breach === undefined && result.judged && predictions.breach !== undefined) result.breach = predictions.breach;
      return result;
    },

    /**
     * Promote: the alias moves to the candidate (compare-and-set against the stable version), then the
     * state says promoted. Roll back / abort: traffic goes back to stable first (state), then the
     * alias is made to name the stable version again if it had moved.
     */
    async rolloutFinish(i: FinishInput): Promise<RolloutState> {
      const doc = await updateRollout(store, i.model, (current) => owned(current, i.rolloutId, i.model));
      if (typeof doc === 'string') throw refuse(doc);
      let outcome = i.outcome;
      let reason = i.reason;
      if (outcome === 'promoted' && isActive(doc)) {
        const moved = await promoteVersion(store, {
          name: i.model,
          alias: doc.alias,
          version: doc.candidate,
          expectedVersion: doc.stable,
          actor: `rollout:${i.rolloutId}`,
          reason: `${doc.strategy} rollout passed its guards: ${i.reason}`,
          requestId: `${i.rolloutId}/promote`,
        });
        if (moved.refused !== undefined) {
          outcome = 'aborted';
          reason = `not promoted: ${moved.refused}`;
        }
      }
      const res = await updateRollout(store, i.model, (current) => {
        const s = owned(current, i.rolloutId, i.model);
        if (typeof s === 'string') return s;
        if (!isActive(s)) return s;
        const next: RolloutState = { ...s, status: outcome, reason, weight: outcome === 'promoted' ? 100 : 0, updatedAt: now() };
        next.history = [...s.history, event(next, outcome, reason)];
        return next;
      });
      if (typeof res === 'string') throw refuse(res);
      if (res.status !== 'promoted') {
        const alias = await getAlias(store, i.model, res.alias);
        if (alias && alias.version === res.candidate)
          await promoteVersion(store, {
            name: i.model,
            alias: res.alias,
            version: res.stable,
            actor: `rollout:${i.rolloutId}`,
            reason: `rollout ${res.status}: ${res.reason ?? ''}`,
            requestId: `${i.rolloutId}/rollback`,
          });
      }
      return res;
    },
  };
}

export type RolloutActivities = ReturnType<typeof rolloutActivities>;
