/**
 * How `tideflow deploy status` shows a rollout: where it stands (strategy, versions, step, the
 * weights with the current one marked, time left to bake), the last guard readings (the servers'
 * counters and the prediction log's comparison), the guards, and every decision so far (the state
 * document's history, which is also the rollout's audit trail in the registry).
 */
import type { RolloutState } from '../mlops/rollout-state';
import type { RolloutView } from '../workflows/rollout/definitions';
import { columns, formatDuration } from './format';

const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
const ms = (x: number): string => (x >= Number.MAX_SAFE_INTEGER ? '> 10000' : `≤ ${x}`);

function weights(steps: readonly number[], current: number, active: boolean): string {
  return steps.map((w, i) => (active && i === current ? `[${w}%]` : `${w}%`)).join(' → ');
}

function guardText(g: RolloutState['guards']): string {
  return [
    `error rate ≤ stable + ${pct(g.maxErrorRate)}`,
    `p95 ≤ ${g.maxLatencyP95Ms} ms`,
    ...(g.maxLatencyP99Ms !== undefined ? [`p99 ≤ ${g.maxLatencyP99Ms} ms`] : []),
    `disagreement ≤ ${pct(g.maxDisagreement)}`,
    ...(g.maxPredictionDrift !== undefined ? [`prediction drift ≤ ${g.maxPredictionDrift}`] : []),
    `judged from ${g.minRequests} requests`,
  ].join(', ');
}

function checkRows(view: RolloutView | undefined): [string, string][] {
  const c = view?.lastCheck;
  if (!c) return [['Last check:', view ? 'none yet' : 'not running (no live readings)']];
  const counters =
    `${c.samples} candidate ${view?.plan.strategy === 'shadow' ? 'shadow scorings' : 'requests'} from ${c.servers} server(s)` +
    `${c.judged ? '' : ' (too few to judge)'}; error rate ${pct(c.errorRate)} (stable ${pct(c.stableErrorRate)}); ` +
    `p95 ${ms(c.latencyP95Ms)} ms, p99 ${ms(c.latencyP99Ms ?? c.latencyP95Ms)} ms` +
    (c.disagreement !== undefined ? `; shadow disagreement ${pct(c.disagreement)}` : '');
  const rows: [string, string][] = [['Last check:', counters]];
  const p = c.predictions;
  if (p) {
    const drift =
      p.drift !== undefined
        ? `${p.method === 'ks' ? 'KS statistic' : 'class-share distance'} ${p.drift.toFixed(3)} (p = ${(p.pValue ?? 1).toExponential(2)})`
        : 'drift not judged yet';
    const agreement =
      p.disagreement !== undefined ? `disagreement ${pct(p.disagreement)} on ${p.pairs} rows both scored` : 'no row scored by both';
    rows.push([
      'Prediction log:',
      `${p.candidateRows} candidate / ${p.stableRows} stable rows in ${p.files} file(s); ${drift}; ${agreement}`,
    ]);
  }
  if (c.breach) rows.push(['Breach:', c.breach]);
  return rows;
}

export function formatRollout(model: string, state: RolloutState | undefined, view: RolloutView | undefined): string {
  if (!state && !view) return `No rollout of ${model} has been started.\n`;
  const s = state;
  const status = view?.status ?? s?.status ?? 'unknown';
  const active = status === 'running' || status === 'paused';
  const strategy = view?.plan.strategy ?? s?.strategy;
  const alias = view?.plan.alias ?? s?.alias;
  const stable = view?.stable ?? s?.stable;
  const candidate = view?.plan.candidate ?? s?.candidate;
  const steps = view?.plan.weights ?? s?.steps ?? [];
  const step = view?.step ?? s?.step ?? 0;
  const rows: [string, string][] = [
    ['Rollout:', `${strategy} of ${model}@${alias}: v${stable ?? '?'} → v${candidate}, ${status}`],
    ['Id:', view?.rolloutId ?? s?.rolloutId ?? ''],
    [
      'Step:',
      active
        ? `${step + 1} of ${steps.length} at ${view?.weight ?? s?.weight ?? 0}%` +
          (view ? `, ${formatDuration(view.remainingSeconds * 1000)} left to bake` : '') +
          (view?.runs !== undefined && view.runs > 1 ? ` (workflow run ${view.runs})` : '')
        : `ended at step ${step + 1} of ${steps.length}; the candidate now gets ${s?.weight ?? 0}% of the traffic`,
    ],
    ['Weights:', weights(steps, step, active)],
    ...checkRows(view),
  ];
  const guards = view?.plan.guards ?? s?.guards;
  if (guards) rows.push(['Guards:', guardText(guards)]);
  const reason = view?.reason ?? s?.reason;
  if (reason && !active) rows.push(['Outcome:', reason]);
  const lines = columns(rows, '');
  if (s && s.rolloutId === (view?.rolloutId ?? s.rolloutId)) {
    lines.push('', 'Decisions:');
    for (const e of s.history)
      lines.push(`  ${e.at}  ${e.status.padEnd(11)} step ${e.step}  ${String(e.weight).padStart(3)}%  ${e.detail}`);
  }
  return `${lines.join('\n')}\n`;
}
