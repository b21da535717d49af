/**
 * The rollout state document (one per model, `<prefix>registry/models/<name>/rollout.json`): what
 * every prediction server reads to split traffic, and what the rollout workflow writes (conditional
 * writes, registry/rollout-store.ts). One zod schema; the type is its z.infer.
 */
import { z } from 'zod';
import { defineArtifact, type ArtifactOf } from '../core/artifact-format';
import { ROLLOUT_STRATEGIES } from './rollout-plan';

const guards = z.object({
  maxErrorRate: z.number().min(0).max(1),
  maxLatencyP95Ms: z.number().positive(),
  maxLatencyP99Ms: z.number().positive().optional(),
  maxDisagreement: z.number().min(0).max(1),
  maxPredictionDrift: z.number().min(0).max(1).optional(),
  minRequests: z.number().int().min(0),
});

const event = z.object({ at: z.string(), status: z.string(), weight: z.number(), step: z.number().int(), detail: z.string() });

export const RolloutStateFormat = defineArtifact('tideflow.rollout-state', 1, {
  model: z.string().min(1),
  /** `<workflow id>/<first run id>`: whose state this is; also salts the traffic split. */
  rolloutId: z.string().min(1),
  strategy: z.enum(ROLLOUT_STRATEGIES as ['canary', 'shadow', 'blue-green']),
  /** The alias whose traffic is split (requests naming a pinned version are never rerouted). */
  alias: z.string().min(1),
  stable: z.number().int().min(1),
  candidate: z.number().int().min(1),
  /** Candidate share in percent of the alias's requests (shadow: 0, the candidate only gets copies). */
  weight: z.number().min(0).max(100),
  shadow: z.boolean(),
  /** Index into steps; also the window the servers count per-version metrics in. */
  step: z.number().int().min(0),
  steps: z.array(z.number()),
  stepSeconds: z.number().positive(),
  guards,
  status: z.enum(['running', 'paused', 'aborted', 'rolled-back', 'promoted']),
  /** Why it ended (rollback reason, abort reason, promotion). */
  reason: z.string().optional(),
  actor: z.string(),
  startedAt: z.string(),
  updatedAt: z.string(),
  history: z.array(event),
});

export type RolloutState = ArtifactOf<typeof RolloutStateFormat>;

/** Traffic goes to the candidate only while a rollout is running or paused. */
export const isActive = (s: RolloutState): boolean => s.status === 'running' || s.status === 'paused';
