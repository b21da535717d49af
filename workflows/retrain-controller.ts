/**
 * `tideflowRetrainController`: one long-running workflow per model (id `tideflow-retrain__<model>`),
 * started on demand with signal-with-start. `drift` signals are deduped by fingerprint, batched by a
 * quiet period (debounce), held back by a cooldown after each retrain, and turned into at most one
 * retraining run at a time: a child run of the retraining DAG with the alerts in its params
 * (`driftAlerts`) and TideflowTrigger=drift — or =schedule when every alert of the batch came from
 * the scheduled_retrain DAG (source 'schedule'), so scheduled retrains stay distinguishable. Alerts arriving during a retrain queue exactly one follow-up retrain.
 * `pause`/`resume` stop and restart new retrains (a running one finishes). `status` query. The state
 * is carried through continue-as-new, which only happens between retrains.
 */
import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  log,
  patched,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import {
  acceptAlert,
  DEFAULT_COOLDOWN_SECONDS,
  DEFAULT_DEBOUNCE_SECONDS,
  DEFAULT_RETRAIN_DAG,
  initialState,
  recordRetrain,
  retrainRunId,
  retrainTrigger,
  trimRecord,
  validateAlert,
  type ControllerInput,
  type ControllerStatus,
  type DriftAlert,
  type RetrainRecord,
} from '../mlops/retrain-policy';
import { DAG_KEY, TRIGGER_KEY } from '../core/search-attributes';
import { childErrorText } from './child-error';

export const driftSignal = defineSignal<[DriftAlert]>('drift');
/** Many alerts of one model in one signal (the alert receiver sends one per model per request). */
export const driftBatchSignal = defineSignal<[DriftAlert[]]>('drift-batch');
/** Alerts one batch signal may carry; the rest of an oversized batch is counted as refused. */
export const DRIFT_BATCH_LIMIT = 1000;
export const pauseSignal = defineSignal<[]>('pause');
export const resumeSignal = defineSignal<[]>('resume');
export const controllerStatusQuery = defineQuery<ControllerStatus>('status');

export async function tideflowRetrainController(input: ControllerInput): Promise<never> {
  const model = input.model;
  const dagId = input.dagId ?? DEFAULT_RETRAIN_DAG;
  const debounceMs = Math.max(0, input.debounceSeconds ?? DEFAULT_DEBOUNCE_SECONDS) * 1000;
  const cooldownMs = Math.max(0, input.cooldownSeconds ?? DEFAULT_COOLDOWN_SECONDS) * 1000;
  const state = input.state ?? initialState();
  // Versioned: controllers recorded before the epoch existed keep their old child run ids on replay.
  if (state.epoch === undefined && patched('retrain-run-id-epoch')) state.epoch = workflowInfo().firstExecutionRunId.slice(0, 8);
  let running: RetrainRecord | undefined;
  let alertSeq = 0;
  let phase: 'idle' | 'debouncing' | 'cooldown' | 'retraining' = 'idle';

  const now = (): string => new Date().toISOString();
  const coolingDown = (): boolean => state.cooldownUntil !== undefined && Date.parse(state.cooldownUntil) > Date.now();
  const shouldContinue = (): boolean => {
    const info = workflowInfo();
    return (
      info.continueAsNewSuggested || (input.continueAsNewAfterEvents !== undefined && info.historyLength >= input.continueAsNewAfterEvents)
    );
  };

  const receive = (raw: unknown): void => {
    const alert = validateAlert(raw);
    if (typeof alert === 'string') {
      log.warn(`ignored drift signal: ${alert}`);
      return;
    }
    const outcome = acceptAlert(state, alert, now(), running !== undefined || coolingDown());
    if (outcome === 'accepted') alertSeq++;
    else if (outcome === 'overflow') log.warn(`drift alert ${alert.fingerprint} refused: ${state.pending.length} alerts already pending`);
  };
  setHandler(driftSignal, receive);
  setHandler(driftBatchSignal, (raw: DriftAlert[]) => {
    if (!Array.isArray(raw)) return receive(raw);
    raw.slice(0, DRIFT_BATCH_LIMIT).forEach(receive);
    if (raw.length > DRIFT_BATCH_LIMIT) {
      state.alertsReceived += raw.length - DRIFT_BATCH_LIMIT;
      state.overflow = (state.overflow ?? 0) + raw.length - DRIFT_BATCH_LIMIT;
    }
  });
  setHandler(pauseSignal, () => {
    state.paused = true;
  });
  setHandler(resumeSignal, () => {
    state.paused = false;
  });
  setHandler(controllerStatusQuery, (): ControllerStatus => {
    const last = [...state.history].reverse().find((r) => r.outcome !== 'running');
    return {
      model,
      status: running ? 'retraining' : state.paused ? 'paused' : phase,
      paused: state.paused,
      dagId,
      debounceSeconds: debounceMs / 1000,
      cooldownSeconds: cooldownMs / 1000,
      pending: [...state.pending],
      followUpQueued: running !== undefined && state.pending.length > 0,
      ...(running && { running }),
      ...(last && { lastRetrain: last }),
      ...(state.cooldownUntil && coolingDown() && { cooldownUntil: state.cooldownUntil }),
      history: [...state.history],
      droppedHistory: state.droppedHistory,
      alertsReceived: state.alertsReceived,
      duplicates: state.duplicates,
      overflow: state.overflow ?? 0,
      generation: state.generation,
    };
  });

  const retrain = async (): Promise<void> => {
    const alerts = state.pending.splice(0);
    state.handled = alerts.map((a) => a.fingerprint);
    state.retrains++;
    // Versioned: histories recorded before the trigger followed the alerts replay with 'drift'.
    const trigger = patched('retrain-trigger-from-alert-source') ? retrainTrigger(alerts) : 'drift';
    const record: RetrainRecord = {
      n: state.retrains,
      runId: retrainRunId(model, dagId, state.retrains, state.epoch),
      dagId,
      trigger,
      startedAt: now(),
      outcome: 'running',
      alerts,
    };
    running = record;
    recordRetrain(state, record);
    try {
      const child = await startChild(dagId, {
        workflowId: record.runId,
        args: [{ params: { modelName: model, ...(input.params ?? {}), driftAlerts: alerts } }],
        typedSearchAttributes: [
          { key: DAG_KEY, value: dagId },
          { key: TRIGGER_KEY, value: trigger },
        ],
      });
      try {
        await child.result();
        record.outcome = 'succeeded';
      } catch (err) {
        record.outcome = isCancellation(err) ? 'cancelled' : 'failed';
        record.detail = childErrorText(err);
      }
    } catch (err) {
      record.outcome = 'not_started';
      record.detail = `could not start: ${childErrorText(err)}`;
    }
    record.finishedAt = now();
    trimRecord(record);
    running = undefined;
    state.cooldownUntil = new Date(Date.now() + cooldownMs).toISOString();
  };

  for (;;) {
    // Idle: wait for work (or for a reason to continue-as-new).
    await condition(() => (state.pending.length > 0 && !state.paused) || shouldContinue());
    if (shouldContinue() && running === undefined) {
      state.generation++;
      await continueAsNew<typeof tideflowRetrainController>({ ...input, state });
    }
    if (state.pending.length === 0 || state.paused) continue;

    // Debounce: start only after `debounce` without a new alert.
    phase = 'debouncing';
    for (;;) {
      const seq = alertSeq;
      const woke = await condition(() => alertSeq !== seq || state.paused, debounceMs);
      if (!woke || state.paused) break;
    }
    phase = 'idle';
    if (state.paused) continue;

    // Cooldown after the previous retrain.
    if (coolingDown()) {
      phase = 'cooldown';
      const left = Date.parse(state.cooldownUntil as string) - Date.now();
      const interrupted = await condition(() => state.paused, left);
      phase = 'idle';
      if (interrupted) continue;
    }
    phase = 'retraining';
    await retrain();
    phase = 'idle';
  }
}
