/**
 * train_best: pick the best trial by its cross-validated metric (ties → lower index, so the
 * choice never depends on which trial finished first), fit the feature pipeline and that
 * estimator on the whole train split, and store the self-contained model artifact. With
 * `scoreTopK` k > 1, the next k − 1 trials are fitted the same way and stored beside it, so
 * evaluate can score each on the test set (its leaderboard); the best one stays the candidate.
 */
import { locateError } from '../../core/errors';
import type { TaskContext } from '../context';
import { rankTrials } from '../../ml/model-selection/cross-validation';
import { MODEL_FORMAT, MODEL_VERSION, type ModelArtifact } from './model-artifact';
import { heartbeating, offloadForTask, READING } from './offload/task';
import { putArtifact, runArtifactKey, type StoreProvider } from './store';
import { fitDataOf, readSplitRows, type TrainingInputs } from './training-data';
import type { TrialResult } from './tune-trial';
import type { ArtifactRef } from './types';
import { InputError } from '../../core/errors';

export interface TrainModelInput extends TrainingInputs {
  trials: TrialResult[];
  modelName: string;
  /** Also fit the next best trials, up to k in all, for evaluate's leaderboard (default 1: the best only). */
  scoreTopK?: number;
}

/** A trial fitted on the whole train split, by its rank among the trials (1 = best). */
export interface RankedModel {
  rank: number;
  trial: TrialResult;
  model: ArtifactRef;
  timing?: FitTiming;
}

/** Seconds of a fit in its worker thread: feature pipeline fit + transform, and the estimator's fit. */
export interface FitTiming {
  transformSeconds: number;
  fitSeconds: number;
}

export interface TrainModelOutput {
  model: ArtifactRef;
  /** The fitted feature pipeline alone (also inside the model): the registry's featurePipeline lineage. */
  pipeline: ArtifactRef;
  modelName: string;
  best: TrialResult;
  trainRows: number;
  features: number;
  iterations: number;
  converged?: boolean;
  /** With scoreTopK > 1: the top trials fitted (rank 1 = `model`). */
  ranked?: RankedModel[];
  /** The best trial's fit. */
  timing?: FitTiming;
}

export function trainModel(store: StoreProvider) {
  return async (input: TrainModelInput, ctx: TaskContext): Promise<TrainModelOutput> => {
    const s = store(ctx);
    const { frame, train } = await heartbeating(ctx, READING, () => readSplitRows(s, input.dataset, input.split));
    const trainRows = train.length;
    // Feature pipeline and estimator are fitted in a worker thread (offload/jobs/train.ts), on a copy
    // of the row indices each time (a transfer detaches the buffer it sends).
    const timings = new Map<number, FitTiming>();
    const fitTrial = async (trial: TrialResult): Promise<ModelArtifact> => {
      const rows = Int32Array.from(train);
      const fit = await offloadForTask(
        ctx,
        'fitModel',
        {
          ...fitDataOf(input, frame, rows, trial.pipeline),
          kind: trial.kind as ModelArtifact['estimator']['kind'],
          hyperparams: trial.hyperparams,
        },
        { transfer: [rows.buffer as ArrayBuffer] },
      );
      timings.set(trial.index, fit.timing);
      return {
        format: MODEL_FORMAT,
        version: MODEL_VERSION,
        modelName: input.modelName,
        task: input.task,
        target: input.target,
        classes: input.classes,
        pipeline: fit.pipeline,
        estimator: fit.estimator,
        trial: { index: trial.index, kind: trial.kind, hyperparams: trial.hyperparams },
        training: {
          rows: trainRows,
          dataset: input.dataset.uri,
          split: input.split.uri,
          seed: input.seed,
          dagId: ctx.dagId,
          workflowId: ctx.workflowId,
        },
      };
    };
    let artifact: ModelArtifact;
    let top: TrialResult[];
    try {
      top = rankTrials(input.trials, input.metric).slice(0, Math.max(1, input.scoreTopK ?? 1));
      if (top.length === 0) throw new InputError(`no trial has a finite ${input.metric}`);
      artifact = await fitTrial(top[0] as TrialResult);
    } catch (err) {
      throw locateError(err, 'train_best');
    }
    const best = top[0] as TrialResult;
    const [ref, pipeline] = await Promise.all([
      putArtifact(s, runArtifactKey(s, ctx, `models/${input.modelName}.json`), artifact),
      putArtifact(s, runArtifactKey(s, ctx, `models/${input.modelName}.pipeline.json`), artifact.pipeline),
    ]);
    ctx.log.info('trained best trial', { index: best.index, kind: best.kind, uri: ref.uri });
    let ranked: RankedModel[] | undefined;
    if (top.length > 1) {
      ranked = [{ rank: 1, trial: best, model: ref, ...withTiming(timings.get(best.index)) }];
      for (const [i, trial] of top.entries()) {
        if (i === 0) continue;
        let other: ModelArtifact;
        try {
          other = await fitTrial(trial);
        } catch (err) {
          throw locateError(err, `train_best (rank ${i + 1}, trial ${trial.index})`);
        }
        const model = await putArtifact(s, runArtifactKey(s, ctx, `models/${input.modelName}.rank${i + 1}.json`), other);
        ranked.push({ rank: i + 1, trial, model, ...withTiming(timings.get(trial.index)) });
      }
    }
    const info = artifact.estimator.fitInfo;
    return {
      model: ref,
      pipeline,
      modelName: input.modelName,
      best,
      trainRows,
      features: artifact.pipeline.featureNames.length,
      iterations: info.iterations,
      ...(info.converged !== undefined && { converged: info.converged }),
      ...(ranked && { ranked }),
      ...withTiming(timings.get(best.index)),
    };
  };
}

const withTiming = (timing: FitTiming | undefined): { timing?: FitTiming } => (timing ? { timing } : {});
