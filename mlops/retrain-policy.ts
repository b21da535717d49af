/**
 * Shared types and pure rules of the retraining controller (workflows/retrain-controller.ts):
 * one long-running workflow per model that turns drift alerts into at most one retraining run
 * at a time. Used by the workflow, the client, the alert receiver and the CLI.
 */
import { z } from 'zod';
import { isValidModelName, MODEL_NAME_RULE } from '../core/model-name';

export const CONTROLLER_WORKFLOW = 'tideflowRetrainController';
export const DEFAULT_RETRAIN_DAG = 'ml_retrain';
export const DEFAULT_DEBOUNCE_SECONDS = 300;
export const DEFAULT_COOLDOWN_SECONDS = 3600;
/** Retrains kept in the status history (older ones are dropped, their count kept). */
export const HISTORY_LIMIT = 20;
/** Pending alerts kept per batch (a storm of distinct alerts still makes one retrain). */
export const PENDING_LIMIT = 100;
/** Alerts a history record keeps (the rest are counted in `alertCount`). */
export const HISTORY_ALERTS_LIMIT = 5;

/**
 * Size limits of one alert. The receiver answers 400 beyond them; the controller also bounds what
 * reaches it by other paths (Web UI, CLI, SDK signals), so its state — carried through queries,
 * continue-as-new and child params — stays far inside Temporal's 2 MB payload limit whatever
 * arrives: PENDING_LIMIT × (ALERT_LIMITS bytes) + HISTORY_LIMIT × HISTORY_ALERTS_LIMIT alerts < 300 KB.
 */
export const ALERT_LIMITS = {
  fingerprintChars: 200,
  reasonChars: 1000,
  sourceChars: 64,
  labels: 32,
  labelNameChars: 128,
  labelValueChars: 256,
  /** All label names and values together. */
  labelsChars: 2048,
} as const;

export { isValidModelName };

export function controllerWorkflowId(model: string): string {
  if (!isValidModelName(model)) throw new Error(`invalid model name ${JSON.stringify(model)}: ${MODEL_NAME_RULE}`);
  return `tideflow-retrain__${model}`;
}

/** Child run ids are deterministic per controller and retrain number (a replay never starts one twice). */
export function retrainRunId(model: string, dagId: string, n: number, epoch?: string): string {
  // The epoch (the controller's first run id) keeps ids unique when a controller is started again
  // after its predecessor ended: its retrain numbers restart at 1 and must not reuse old run ids.
  return epoch === undefined ? `${dagId}__drift__${model}__${n}` : `${dagId}__drift__${model}__${epoch}__${n}`;
}

/**
 * A drift alert, as the controller queues it and hands it to the retraining DAG (its `driftAlerts`
 * param, dags/params/drift-alerts.ts): one schema for both, so the DAG accepts what the controller sends.
 */
export const driftAlertSchema = z.object({
  /** Identity for dedupe: the same fingerprint pending, retraining, or handled during the cooldown is ignored. */
  fingerprint: z.string(),
  reason: z.string(),
  /** Who raised it: 'monitoring', 'cli', 'alertmanager', 'webhook', 'schedule', … */
  source: z.string(),
  labels: z.record(z.string(), z.string()).optional(),
  /** Set by the controller when it accepts the alert. */
  receivedAt: z.string().optional(),
});

export type DriftAlert = z.infer<typeof driftAlertSchema>;

export interface ControllerOptions {
  /** DAG run for each retrain (default ml_retrain). */
  dagId?: string;
  /** Quiet period after the latest alert before a retrain starts (a burst becomes one retrain). */
  debounceSeconds?: number;
  /** Minimum time between the end of a retrain and the start of the next. */
  cooldownSeconds?: number;
  /** Params for the DAG. The controller adds `driftAlerts` (the batch) and `modelName` (the model, unless given here); DAGs whose schema lacks them drop them (zod strips unknown keys). */
  params?: Record<string, unknown>;
  /** Continue-as-new once history has this many events (default: when Temporal suggests it). */
  continueAsNewAfterEvents?: number;
}

export type RetrainOutcome = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'not_started';

/** TideflowTrigger of a retrain run: 'schedule' when only scheduled requests asked for it, else 'drift'. */
export type RetrainTrigger = 'drift' | 'schedule';

/** Source of the alerts the scheduled_retrain DAG sends (activities/drift/schedule.ts). */
export const SCHEDULE_SOURCE = 'schedule';

export function retrainTrigger(alerts: readonly DriftAlert[]): RetrainTrigger {
  return alerts.length > 0 && alerts.every((a) => a.source === SCHEDULE_SOURCE) ? 'schedule' : 'drift';
}

export interface RetrainRecord {
  n: number;
  runId: string;
  dagId: string;
  /** Absent on retrains started before the trigger was recorded: those ran as 'drift'. */
  trigger?: RetrainTrigger;
  startedAt: string;
  finishedAt?: string;
  outcome: RetrainOutcome;
  detail?: string;
  /** The first HISTORY_ALERTS_LIMIT alerts of the batch (all of them while the retrain runs). */
  alerts: DriftAlert[];
  /** How many alerts the batch had (absent on records made before alerts were trimmed). */
  alertCount?: number;
}

export interface ControllerState {
  paused: boolean;
  pending: DriftAlert[];
  /** Fingerprints of the running retrain, then of the last one until its cooldown ends. */
  handled: string[];
  lastAlertAt?: string;
  cooldownUntil?: string;
  retrains: number;
  history: RetrainRecord[];
  droppedHistory: number;
  alertsReceived: number;
  duplicates: number;
  /** Distinct alerts refused because PENDING_LIMIT alerts were already pending (reported, never silent). */
  overflow?: number;
  /** Unique per controller chain, for retrain run ids (absent on controllers started before it existed). */
  epoch?: string;
  generation: number;
}

export interface ControllerInput extends ControllerOptions {
  model: string;
  /** Carried across continue-as-new. */
  state?: ControllerState;
}

export type ControllerPhase = 'idle' | 'debouncing' | 'cooldown' | 'retraining' | 'paused';

export interface ControllerStatus {
  model: string;
  status: ControllerPhase;
  paused: boolean;
  dagId: string;
  debounceSeconds: number;
  cooldownSeconds: number;
  pending: DriftAlert[];
  /** A retrain is running and alerts are pending: one follow-up retrain is queued. */
  followUpQueued: boolean;
  running?: RetrainRecord;
  lastRetrain?: RetrainRecord;
  cooldownUntil?: string;
  history: RetrainRecord[];
  droppedHistory: number;
  alertsReceived: number;
  duplicates: number;
  /** Alerts refused because the pending batch was full (PENDING_LIMIT). */
  overflow: number;
  generation: number;
}

export function initialState(epoch?: string): ControllerState {
  return {
    paused: false,
    pending: [],
    handled: [],
    retrains: 0,
    history: [],
    droppedHistory: 0,
    alertsReceived: 0,
    duplicates: 0,
    overflow: 0,
    ...(epoch !== undefined && { epoch }),
    generation: 0,
  };
}

/**
 * Accept an alert unless it is a duplicate: its fingerprint is already pending, or belongs to the
 * running retrain or to the last one while its cooldown lasts (`inHandledWindow`). After the cooldown
 * the same fingerprint counts again: drift that persists after a retrain may retrain again.
 */
export type AcceptOutcome = 'accepted' | 'duplicate' | 'overflow';

export function acceptAlert(state: ControllerState, alert: DriftAlert, now: string, inHandledWindow: boolean): AcceptOutcome {
  state.alertsReceived++;
  if (!inHandledWindow) state.handled = [];
  if (state.pending.some((a) => a.fingerprint === alert.fingerprint) || state.handled.includes(alert.fingerprint)) {
    state.duplicates++;
    return 'duplicate';
  }
  // The batch is full: the retrain it will start covers the drift already; the alert is counted
  // (status `overflow`) and the caller logs it, instead of silently displacing an older alert.
  if (state.pending.length >= PENDING_LIMIT) {
    state.overflow = (state.overflow ?? 0) + 1;
    return 'overflow';
  }
  state.pending.push({ ...alert, receivedAt: now });
  state.lastAlertAt = now;
  return 'accepted';
}

/** A finished retrain's record keeps the first HISTORY_ALERTS_LIMIT alerts and their count. */
export function trimRecord(record: RetrainRecord): void {
  if (record.alertCount === undefined) record.alertCount = record.alerts.length;
  if (record.alerts.length > HISTORY_ALERTS_LIMIT) record.alerts = record.alerts.slice(0, HISTORY_ALERTS_LIMIT);
}

export function recordRetrain(state: ControllerState, record: RetrainRecord): void {
  state.history.push(record);
  while (state.history.length > HISTORY_LIMIT) {
    state.history.shift();
    state.droppedHistory++;
  }
}

const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * Checks a drift signal's payload (signals bypass client-side typing: the Web UI can send anything)
 * and bounds it to ALERT_LIMITS: over-long text is clipped and labels beyond the limits are dropped,
 * so no sender can grow the controller's state past Temporal's limits. The receiver refuses such
 * alerts outright (400); this is the controller's own guard.
 */
export function validateAlert(raw: unknown): DriftAlert | string {
  if (typeof raw !== 'object' || raw === null) return 'a drift alert must be an object';
  const r = raw as Record<string, unknown>;
  for (const key of ['fingerprint', 'reason', 'source'] as const) {
    if (typeof r[key] !== 'string' || (r[key] as string).length === 0) return `drift alert: '${key}' must be a non-empty string`;
  }
  const labels: Record<string, string> = {};
  if (r.labels !== undefined) {
    if (typeof r.labels !== 'object' || r.labels === null) return "drift alert: 'labels' must be an object of strings";
    let chars = 0;
    for (const [k, v] of Object.entries(r.labels as Record<string, unknown>)) {
      if (Object.keys(labels).length >= ALERT_LIMITS.labels) break;
      const name = clip(k, ALERT_LIMITS.labelNameChars);
      const value = clip(String(v), ALERT_LIMITS.labelValueChars);
      chars += name.length + value.length;
      if (chars > ALERT_LIMITS.labelsChars) break;
      labels[name] = value;
    }
  }
  return {
    fingerprint: clip(r.fingerprint as string, ALERT_LIMITS.fingerprintChars),
    reason: clip(r.reason as string, ALERT_LIMITS.reasonChars),
    source: clip(r.source as string, ALERT_LIMITS.sourceChars),
    labels,
  };
}
