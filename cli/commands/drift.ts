/**
 * `tideflow drift signal|status|report`: talk to a model's retraining controller. `signal` sends a
 * drift alert (signal-with-start: the controller is created on first use); `status` shows what it
 * is doing, its pending alerts and its retrain history; `report` shows a drift_monitor run's data
 * drift per column and, when it scored labeled predictions, its performance drift per metric.
 * --json for scripts.
 */
import { randomUUID } from 'node:crypto';
import { driftStatus, signalDrift } from '../../client/drift';
import { isValidModelName, MODEL_NAME_RULE } from '../../core/model-name';
import type { ControllerOptions, ControllerStatus, RetrainRecord } from '../../mlops/retrain-policy';
import { flagOption, positional, stringOption, type ParsedArgs, JSON_OPTION } from '../args';
import type { Command } from '../command';
import { cliConfig } from '../config';
import { withTemporal } from '../connect';
import { CliError, EXIT, usageError } from '../errors';
import { columns, formatInstant, table, truncate } from '../format';
import { printJson, type Io } from '../io';
import { fetchRunView } from './runs';
import type { DriftComputeOutput } from '../../activities/drift/monitor';
import { formatMetric, type MetricComparison, type PerformanceDrift } from '../../ml/drift/performance-compare';

function modelArg(args: ParsedArgs): string {
  const model = positional(args, 0);
  if (!isValidModelName(model)) throw usageError(`invalid model name '${model}': ${MODEL_NAME_RULE}`);
  return model;
}

function seconds(args: ParsedArgs, name: string): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(n)) throw usageError(`--${name} must be a number of seconds, got '${text}'`);
  return n;
}

export const driftSignalCommand: Command = {
  name: 'drift signal',
  summary: "Send a drift alert to a model's retraining controller (starting it if needed).",
  positionals: [{ name: 'model', description: 'model name (the controller is tideflow-retrain__<model>)' }],
  options: {
    reason: { type: 'string', value: 'text', description: 'why (required), e.g. "PSI 0.3 on bill_length_mm"' },
    fingerprint: { type: 'string', value: 'id', description: 'dedupe key (default: a new one, so every call counts)' },
    dag: { type: 'string', value: 'id', description: 'retraining DAG, when this starts the controller (default ml_retrain)' },
    debounce: {
      type: 'string',
      value: 'seconds',
      description: 'quiet period before a retrain, when this starts the controller (default 300)',
    },
    cooldown: {
      type: 'string',
      value: 'seconds',
      description: 'minimum gap between retrains, when this starts the controller (default 3600)',
    },
    json: JSON_OPTION,
  },
  examples: [
    'tideflow drift signal penguins --reason "PSI 0.31 on bill_length_mm"',
    'tideflow drift signal penguins --reason manual --debounce 0 --cooldown 0',
  ],
  async run(args, io) {
    const model = modelArg(args);
    const reason = stringOption(args, 'reason');
    if (!reason) throw usageError('--reason is required', 'e.g. tideflow drift signal penguins --reason "PSI 0.3 on bill_length_mm"');
    const dag = stringOption(args, 'dag');
    const debounce = seconds(args, 'debounce');
    const cooldown = seconds(args, 'cooldown');
    const controller: ControllerOptions = {
      ...(dag !== undefined && { dagId: dag }),
      ...(debounce !== undefined && { debounceSeconds: debounce }),
      ...(cooldown !== undefined && { cooldownSeconds: cooldown }),
    };
    const fingerprint = stringOption(args, 'fingerprint') ?? `cli-${randomUUID()}`;
    const config = cliConfig(io.env);
    return withTemporal(config, async ({ client }) => {
      const sent = await signalDrift(
        client,
        model,
        { fingerprint, reason, source: 'cli', labels: { model } },
        { taskQueue: config.taskQueue, controller },
      );
      if (flagOption(args, 'json')) printJson(io, { model, fingerprint, ...sent });
      else
        io.stdout.write(
          `Drift alert sent to ${sent.workflowId} (fingerprint ${fingerprint}).\nFollow it with: tideflow drift status ${model}\n`,
        );
      return EXIT.ok;
    });
  },
};

function retrainRow(r: RetrainRecord): string[] {
  return [
    String(r.n),
    r.outcome,
    formatInstant(r.startedAt),
    r.finishedAt ? formatInstant(r.finishedAt) : '-',
    r.trigger ?? 'drift',
    String(r.alertCount ?? r.alerts.length),
    r.runId,
    truncate(r.detail ?? '', 60),
  ];
}

function render(s: ControllerStatus): string {
  const lines = columns([
    ['Model', s.model],
    ['Status', `${s.status}${s.followUpQueued ? ' (one follow-up retrain queued)' : ''}`],
    ['Retraining DAG', `${s.dagId} (debounce ${s.debounceSeconds} s, cooldown ${s.cooldownSeconds} s)`],
    ['Running', s.running ? `#${s.running.n} ${s.running.runId} since ${formatInstant(s.running.startedAt)}` : '-'],
    [
      'Last retrain',
      s.lastRetrain
        ? `#${s.lastRetrain.n} ${s.lastRetrain.outcome} ${formatInstant(s.lastRetrain.finishedAt)}${s.lastRetrain.detail ? `: ${truncate(s.lastRetrain.detail, 80)}` : ''}`
        : '-',
    ],
    ['Cooldown until', s.cooldownUntil ? formatInstant(s.cooldownUntil) : '-'],
    [
      'Alerts',
      `${s.alertsReceived} received, ${s.duplicates} duplicates, ${s.pending.length} pending${s.overflow ? `, ${s.overflow} refused (pending batch full)` : ''}`,
    ],
  ]);
  let out = `${lines.join('\n')}\n`;
  if (s.pending.length > 0) {
    out += `\nPending alerts:\n${table(
      ['FINGERPRINT', 'SOURCE', 'RECEIVED', 'REASON'],
      s.pending.map((a) => [a.fingerprint, a.source, formatInstant(a.receivedAt), a.reason]),
      { maxCellWidth: 60 },
    )}`;
  }
  if (s.history.length > 0) {
    out += `\nRetrains${s.droppedHistory > 0 ? ` (latest ${s.history.length}; ${s.droppedHistory} older omitted)` : ''}:\n`;
    out += table(['#', 'OUTCOME', 'STARTED', 'FINISHED', 'TRIGGER', 'ALERTS', 'RUN', 'DETAIL'], s.history.map(retrainRow), {
      maxCellWidth: 60,
    });
  }
  return out;
}

export const driftStatusCommand: Command = {
  name: 'drift status',
  summary: "Show a model's retraining controller: status, pending alerts, last retrain and history.",
  positionals: [{ name: 'model', description: 'model name' }],
  options: { json: JSON_OPTION },
  examples: ['tideflow drift status penguins', 'tideflow drift status penguins --json'],
  async run(args, io: Io) {
    const model = modelArg(args);
    const config = cliConfig(io.env);
    return withTemporal(config, async ({ client }) => {
      const s = await driftStatus(client, model);
      if (!s)
        throw new CliError(
          `no retraining controller for model '${model}' (it starts with the first drift alert: tideflow drift signal ${model} --reason …)`,
          EXIT.failed,
        );
      if (flagOption(args, 'json')) printJson(io, s);
      else io.stdout.write(render(s));
      return EXIT.ok;
    });
  },
};

const PERFORMANCE_STATUS: Record<PerformanceDrift['status'], string> = {
  drift: 'YES',
  ok: 'no',
  not_compared: 'not compared',
  insufficient_labels: 'insufficient labels',
};

function metricRow(m: MetricComparison): string[] {
  const num = (x: number | undefined): string => (x === undefined ? '-' : formatMetric(x));
  const change = m.current !== undefined && m.champion !== undefined ? m.current - m.champion : undefined;
  return [
    m.metric,
    num(m.current),
    num(m.champion),
    change === undefined ? '-' : `${change < 0 ? '−' : '+'}${formatMetric(Math.abs(change))}`,
    num(m.maxDrop),
    m.maxRelativeDrop === undefined ? '-' : `${Number((m.maxRelativeDrop * 100).toFixed(2))}%`,
    m.verdict === 'drift' ? 'DRIFT' : m.verdict === 'ok' ? 'ok' : 'not compared',
    m.reason,
  ];
}

/** The performance section of `drift report`: verdict, scored rows, and one line per metric. */
export function renderPerformance(p: PerformanceDrift): string {
  const verdict = `${PERFORMANCE_STATUS[p.status]}${p.driftedMetrics.length > 0 ? ` (${p.driftedMetrics.join(', ')})` : ''}`;
  const header = columns([
    ['Performance drift', verdict],
    [
      'Labeled rows',
      `${p.labeledRows} of ${p.rows} scored (${p.missingLabel} without a label, ${p.missingPrediction} without a prediction; minimum ${p.minLabeledRows})`,
    ],
    ['Champion', p.champion ? `v${p.champion.version} (recorded metrics)` : 'none'],
  ]);
  const rows = table(['METRIC', 'CURRENT', 'CHAMPION', 'CHANGE', 'MAX DROP', 'MAX REL', 'VERDICT', 'REASON'], p.metrics.map(metricRow));
  return `${header.join('\n')}\n\n${rows}`;
}

const isReport = (v: unknown): v is DriftComputeOutput =>
  typeof v === 'object' && v !== null && 'drifted' in v && 'columns' in v && Array.isArray((v as { columns: unknown }).columns);

export const driftReportCommand: Command = {
  name: 'drift report',
  summary: 'Show the drift report of a drift_monitor run: per-column method, score, threshold, verdict; per-metric performance drift.',
  positionals: [{ name: 'workflowId', description: "the drift_monitor run's workflow id" }],
  options: { json: { type: 'boolean', description: "print the compute task's output as JSON" } },
  examples: ['tideflow drift report drift_monitor__manual__2026-11-22T05-00-00-000Z__k3j9x2'],
  async run(args, io) {
    const workflowId = positional(args, 0);
    const config = cliConfig(io.env);
    return withTemporal(config, async (session) => {
      const view = await fetchRunView(session, workflowId, undefined, config.taskQueue);
      const out = view.tasks.find((t) => t.id === 'compute')?.output;
      if (!isReport(out))
        throw new CliError(
          `run '${workflowId}' has no drift report (is it a finished drift_monitor run? its compute task is ${view.tasks.find((t) => t.id === 'compute')?.state ?? 'missing'})`,
          EXIT.failed,
        );
      if (flagOption(args, 'json')) {
        printJson(io, out);
        return EXIT.ok;
      }
      const reference =
        out.reference.kind === 'source'
          ? out.reference.source
          : `${out.reference.kind === 'champion' ? 'champion ' : ''}v${out.reference.version} training ${out.reference.profile ? 'profile' : 'data'} (${out.reference.uri})`;
      io.stdout.write(
        `${columns([
          ['Model', out.model],
          [
            'Dataset drift',
            `${out.drifted ? 'YES' : 'no'} (${out.driftedColumns.length}/${out.columns.length} columns drifted, share ${out.share.toFixed(2)})`,
          ],
          ['Reference', reference],
          ...(out.window
            ? [
                [
                  'Window',
                  `${out.window.location} (v${out.window.version}: ${out.window.rows} rows, ${out.window.labeledRows} labeled)`,
                ] as [string, string],
              ]
            : []),
          ['Report', out.report.uri],
        ]).join('\n')}\n\n`,
      );
      const fmt = (x: number): string => (x !== 0 && Math.abs(x) < 1e-4 ? x.toExponential(2) : x.toFixed(4));
      io.stdout.write(
        table(
          ['COLUMN', 'METHOD', 'SCORE', 'THRESHOLD', 'DRIFT'],
          out.columns.map((c) => [c.column, c.method, fmt(c.score), String(c.threshold), c.drifted ? 'yes' : 'no']),
        ),
      );
      if (out.performance) io.stdout.write(`\n${renderPerformance(out.performance)}`);
      return EXIT.ok;
    });
  },
};

export const driftCommands: Command[] = [driftSignalCommand, driftStatusCommand, driftReportCommand];
