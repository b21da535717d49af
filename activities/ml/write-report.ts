/**
 * report: gather what the run learned (validation statistics and anomalies, split, tuning
 * trials, candidate vs champion evaluation, the gate's checks, registration) from task outputs
 * and artifacts, render the self-contained HTML report (lib/report-html) and store it next to
 * the run's other artifacts. Its uri is in this task's output, so `tideflow runs show` and the
 * Web UI's run result link to it.
 */
import type { TaskContext } from '../context';
import { putObject } from '../../storage/artifacts/objects';
import { readRunManifest } from '../../storage/artifacts/manifest';
import type { EvaluateModelOutput } from './evaluate-model';
import { offloadForTask } from './offload/task';
import { transferableBytes } from './offload/transfer';
import type { IngestOutput } from './ingest-data';
import { higherIsBetter } from '../../ml/metrics/direction';
import type { MetricName } from '../../ml/metrics/evaluation';
import { decideGate, type GateDecision, type MetricThreshold } from '../../mlops/gate';
import { reportColumnsFromStatistics, type ReportSplit, type RunReportData } from '../../ml/report';
import type { RegisterModelOutput } from './register-model';
import type { RejectModelOutput } from './reject-model';
import type { SplitDataOutput } from './split-data';
import { getArtifact, getArtifactBytes, runArtifactKey, type ArtifactStore, type StoreProvider } from './store';
import type { TrainModelOutput } from './train-model';
import type { TrialResult } from './tune-trial';
import type { ArtifactRef } from './types';
import { validationReport, type ValidateDataOutput } from './validate-data';

export interface WriteReportInput {
  modelName: string;
  ingest: IngestOutput;
  validation: ValidateDataOutput;
  split: SplitDataOutput;
  trials: TrialResult[];
  training: TrainModelOutput;
  evaluation: EvaluateModelOutput;
  thresholds: MetricThreshold[];
  registered: RegisterModelOutput | null;
  rejected: RejectModelOutput | null;
  /** The gate task's decision, when the DAG computed it once (then used instead of deciding again). */
  gate?: GateDecision;
}

export interface WriteReportOutput extends ArtifactRef {
  /** Open it with `tideflow artifacts get <uri>` or any S3 client; text/html. */
  contentType: 'text/html; charset=utf-8';
  blessed: boolean;
  summary: string;
}

/** The split with its boundary: the time boundary, or the test fraction and seed (from the run's params). */
function reportSplit(split: SplitDataOutput, params: Record<string, unknown>): ReportSplit {
  const asked = (params.split ?? {}) as { testFraction?: unknown; timeColumn?: unknown; cutoff?: unknown };
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
  const testFraction = num(asked.testFraction);
  const seed = num(params.seed);
  const timeColumn = str(asked.timeColumn);
  const cutoff = str(asked.cutoff);
  return {
    strategy: split.strategy,
    train: split.trainRows,
    test: split.testRows,
    ...(split.strategy !== 'time' && testFraction !== undefined && { testFraction }),
    ...(split.strategy !== 'time' && seed !== undefined && { seed }),
    ...(split.strategy === 'time' && timeColumn && { timeColumn }),
    ...(split.strategy === 'time' && cutoff && { cutoff }),
    ...(split.boundary && { boundary: split.boundary }),
    ...(split.missingTarget > 0 && { missingTarget: split.missingTarget }),
    ...(split.trainClassCounts && { trainClassCounts: split.trainClassCounts }),
    ...(split.testClassCounts && { testClassCounts: split.testClassCounts }),
  };
}

export function writeRunReport(store: StoreProvider) {
  return async (input: WriteReportInput, ctx: TaskContext): Promise<WriteReportOutput> => {
    const s = store(ctx);
    // The evaluation artifact (with its ROC curves) is parsed where the report renders (renderReport).
    const [validationDoc, evaluationJson] = await Promise.all([
      getArtifact(s, input.validation.report),
      getArtifactBytes(s, input.evaluation.evaluation),
    ]);
    const validation = validationReport.parse(validationDoc, input.validation.report.uri);
    const ev = input.evaluation;
    const champion = ev.champion && { version: ev.champion.version, metrics: ev.champion.metrics };
    const decision = input.gate ?? decideGate(ev.metrics, input.thresholds, champion);
    const metric = input.trials[0]?.metric as MetricName | undefined;
    const data: RunReportData = {
      run: {
        dagId: ctx.dagId,
        workflowId: ctx.workflowId,
        runId: ctx.runId,
        logicalDate: ctx.logicalDate,
        params: ctx.params as Record<string, unknown>,
        modelName: input.modelName,
        ...(await cachedSteps(s, ctx)),
      },
      data: {
        source: input.ingest.source,
        rows: validation.statistics.rows,
        columns: reportColumnsFromStatistics(validation.statistics.columns),
      },
      anomalies: validation.anomalies,
      split: reportSplit(input.split, ctx.params as Record<string, unknown>),
      ...(metric && {
        tuning: {
          metric,
          higherIsBetter: higherIsBetter(metric),
          trials: input.trials.map((t) => ({
            index: t.index,
            kind: t.kind,
            hyperparams: t.hyperparams,
            ...(t.pipeline !== undefined && { pipeline: t.pipeline }),
            mean: t.mean,
            std: t.std,
            perFold: t.perFold,
          })),
          bestIndex: input.training.best.index,
        },
      }),
      evaluation: {
        task: ev.task,
        ...(ev.classes.length > 0 && { classes: ev.classes }),
        metrics: ev.metrics,
        ...(ev.confusion && { confusion: ev.confusion }),
        ...(ev.champion && { champion: { version: ev.champion.version, metrics: ev.champion.metrics } }),
        ...(ev.importance && { importance: ev.importance }),
      },
      gate: {
        blessed: decision.blessed,
        checks: decision.checks.map((c) => ({
          metric: c.metric,
          kind: c.kind,
          passed: c.passed,
          value: c.value,
          threshold: c.threshold,
          ...(c.baseline !== undefined && { baseline: c.baseline }),
          message: c.message,
        })),
        note: [decision.summary, ev.champion?.note].filter(Boolean).join(' — '),
      },
      registration: input.registered
        ? {
            version: input.registered.version,
            promoted: input.registered.promoted !== undefined,
            ...(input.registered.promoted && { aliases: [input.registered.promoted.alias] }),
          }
        : { rejectedReason: input.rejected?.reason ?? decision.summary },
      artifacts: [
        { name: 'dataset', uri: input.ingest.uri },
        { name: 'validation report', uri: input.validation.report.uri },
        { name: 'split', uri: input.split.split.uri },
        { name: 'model', uri: input.training.model.uri },
        { name: 'evaluation', uri: input.evaluation.evaluation.uri },
      ],
    };
    // Rendering (Vega charts, then the sections) runs in a worker thread for a large dataset.
    const { html } = await offloadForTask(
      ctx,
      'renderReport',
      { data, evaluation: { json: evaluationJson, uri: input.evaluation.evaluation.uri } },
      { rows: validation.statistics.rows, transfer: transferableBytes([evaluationJson]) },
    );
    const ref = await putObject(s, runArtifactKey(s, ctx, 'report.html'), html, {
      contentType: 'text/html; charset=utf-8',
    });
    ctx.log.info('wrote run report', { uri: ref.uri, bytes: ref.bytes });
    return {
      ...ref,
      contentType: 'text/html; charset=utf-8',
      blessed: decision.blessed,
      summary: decision.summary,
    };
  };
}

/** The steps of this run that reused an earlier run's output, from its manifest (best effort: the report does not depend on it). */
async function cachedSteps(s: ArtifactStore, ctx: TaskContext): Promise<{ cachedSteps?: { task: string; from: string }[] }> {
  const manifest = await readRunManifest(s, ctx.dagId, ctx.workflowId).catch(() => undefined);
  const seen = new Map<string, string>();
  for (const t of manifest?.tasks ?? []) if (t.cached && t.status === 'success') seen.set(t.taskId, t.cached.workflowId);
  return seen.size > 0 ? { cachedSteps: [...seen].map(([task, from]) => ({ task, from })) } : {};
}
