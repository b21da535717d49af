/**
 * report: the run's JSON report (data counts, trial table, chosen config, test metrics,
 * gate outcome), stored with the run's artifacts. Runs after either gate branch.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { TaskContext } from '../context';
import type { RegisterOutput } from './register';
import type { RejectOutput } from './reject';
import type { SplitOutput } from './split';
import { putArtifact, runArtifactKey, type StoreProvider } from './store';
import type { TrainBestOutput } from './train-best';
import type { ArtifactRef, EvalMetrics, TrialConfig, TrialResult } from './types';
import type { ValidateOutput } from './validate';

export interface ReportInput {
  validation: ValidateOutput;
  split: SplitOutput;
  trials: TrialResult[];
  training: TrainBestOutput;
  metrics: EvalMetrics;
  /** Exactly one of these is set: the gate's branch skips the other task. */
  registered: RegisterOutput | null;
  rejected: RejectOutput | null;
}

export interface ReportOutput extends ArtifactRef {
  outcome: 'registered' | 'rejected';
  accuracy: number;
  macroF1: number;
  logLoss: number;
  chosenConfig: TrialConfig;
}

export function writeRunReport(store: StoreProvider) {
  return async (input: ReportInput, ctx: TaskContext): Promise<ReportOutput> => {
    const outcome = input.registered ? 'registered' : input.rejected ? 'rejected' : undefined;
    if (!outcome) throw ApplicationFailure.nonRetryable('neither register nor rejected ran: no gate outcome to report', 'NoGateOutcome');
    const chosen = input.training.config.index;
    const report = {
      format: 'tideflow.run-report',
      version: 1,
      run: { dagId: ctx.dagId, workflowId: ctx.workflowId, runId: ctx.runId, logicalDate: ctx.logicalDate, params: ctx.params },
      data: {
        rowsIn: input.validation.rowsIn,
        rowsUsed: input.validation.rowsOut,
        dropped: input.validation.dropped,
        missingByColumn: input.validation.missingByColumn,
        classCounts: input.validation.classCounts,
        trainRows: input.split.trainRows,
        testRows: input.split.testRows,
      },
      trials: [...input.trials]
        .sort((a, b) => a.config.index - b.config.index)
        .map((t) => ({ ...t.config, cvAccuracy: t.cvAccuracy, cvLogLoss: t.cvLogLoss, foldAccuracies: t.foldAccuracies, chosen: t.config.index === chosen })),
      chosen: { config: input.training.config, selectedBy: input.training.selectedBy, epochsRun: input.training.epochsRun, converged: input.training.converged },
      model: input.training.model,
      metrics: input.metrics,
      gate: { outcome, ...(input.registered && { candidate: input.registered.uri }), ...(input.rejected && { reason: input.rejected.reason }) },
    };
    const s = store();
    const ref = await putArtifact(s, runArtifactKey(s, ctx, 'reports/run-report.json'), report);
    ctx.log.info('run report written', { outcome, uri: ref.uri });
    const { accuracy, macroF1, logLoss } = input.metrics;
    return { ...ref, outcome, accuracy, macroF1, logLoss, chosenConfig: input.training.config };
  };
}
