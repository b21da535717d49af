/**
 * Hostile run requests (issue 14.2, 11, 12, 13): unknown and misspelled params at every level, bad
 * championAlias and metric names, from the CLI (refused before anything starts: exit 2) and from
 * the Temporal client as the Web UI starts runs (the run fails at once, non-retryable); a
 * workflow id that is running, and one that finished (reused: must not overwrite anything).
 */
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { exitCode, nonRetryableFailure, type CaseSpec, type Probe } from './cases';
import { cli, TASK_QUEUE, type CensusStack } from './stack';

/** A run started straight from the Temporal client; waits at most `ms` for it to end. */
export async function temporalRun(s: CensusStack, type: string, input: unknown, workflowId?: string, ms = 60_000): Promise<Probe> {
  let handle;
  try {
    handle = await s.client.workflow.start(type, {
      taskQueue: TASK_QUEUE,
      workflowId: workflowId ?? `census-${type}-${randomUUID().slice(0, 8)}`,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError)
      return { status: 'refused at start', text: `workflow execution already started: ${err.workflowId}`, retryable: false };
    throw err;
  }
  const ended = await Promise.race([
    handle.result().then(
      () => 'completed' as const,
      (err: unknown) => err,
    ),
    new Promise<'running'>((r) => setTimeout(() => r('running'), ms)),
  ]);
  if (ended === 'completed') return { status: 'completed', text: '', retryable: false };
  if (ended === 'running') {
    // Still running after the limit: a workflow task failing in a loop would look like this.
    await handle.terminate('hostile census: did not end in time').catch(() => undefined);
    return { status: `still running after ${ms / 1000} s`, text: 'terminated by the census', retryable: true };
  }
  const cause = ended instanceof WorkflowFailedError ? ended.cause : ended;
  if (cause instanceof ApplicationFailure)
    return { status: `failed ${cause.type ?? 'Error'}`, text: cause.message, retryable: !cause.nonRetryable };
  return { status: 'failed', text: cause instanceof Error ? cause.message : String(cause), retryable: true };
}

const trig = (s: CensusStack, name: string, names: RegExp, args: string[]): CaseSpec => ({
  group: 'params',
  name,
  expect: 'exit 2',
  accept: exitCode(2),
  names,
  run: () => cli(s, ['trigger', ...args]),
});
const retrain = (s: CensusStack, name: string, names: RegExp, params: unknown): CaseSpec =>
  trig(s, name, names, ['ml_retrain', '--params', JSON.stringify(params)]);

export function paramCases(s: CensusStack): CaseSpec[] {
  const ui = (name: string, names: RegExp, type: string, input: unknown): CaseSpec => ({
    group: 'webui',
    name,
    expect: 'non-retryable',
    accept: nonRetryableFailure,
    names,
    run: () => temporalRun(s, type, input),
  });
  return [
    retrain(s, 'modelNmae (top level)', /modelNmae.*modelName/, { modelNmae: 'x' }),
    trig(s, 'example_etl row: 10', /'row'.*rows/, ['example_etl', '--params', '{"row": 10}']),
    retrain(s, 'search.spcae (nested)', /spcae/, { search: { strategy: 'grid', spcae: [] } }),
    retrain(s, 'thresholds[0].lowr (in a list)', /lowr/, { thresholds: [{ metric: 'accuracy', lowr: 0.9 }] }),
    retrain(s, 'schema.minRowz', /minRowz/, { schema: { columns: { species: { type: 'string' } }, minRowz: 5 } }),
    retrain(s, 'stepTimeouts.hearbeat', /hearbeat/, { stepTimeouts: { hearbeat: '2 minutes' } }),
    retrain(s, 'championAlias "latest"', /latest/, { championAlias: 'latest' }),
    retrain(s, 'championAlias "Bad Alias!"', /championAlias|alias/, { championAlias: 'Bad Alias!' }),
    retrain(s, 'threshold on metric "acuracy"', /acuracy/, { thresholds: [{ metric: 'acuracy', lower: 0.9 }] }),
    retrain(s, 'modelName "../evil"', /modelName|model name/, { modelName: '../evil' }),
    retrain(s, 'stepTimeouts.heartbeat "forever"', /forever|heartbeat/, { stepTimeouts: { heartbeat: 'forever' } }),
    trig(s, 'example_etl rows: -1', /rows/, ['example_etl', '--params', '{"rows": -1}']),
    trig(s, 'example_etl rows: "ten"', /rows/, ['example_etl', '--params', '{"rows": "ten"}']),
    trig(s, 'example_etl regions: []', /regions/, ['example_etl', '--params', '{"regions": []}']),
    trig(s, '--params that is not JSON', /JSON/, ['example_etl', '--params', '{rows: 1']),
    trig(s, '--params that is a list', /object/, ['example_etl', '--params', '[1]']),
    trig(s, 'DAG id ml_retrian', /ml_retrain/, ['ml_retrian']),
    trig(s, '--logical-date 2024-13-45', /logical|date/, ['example_etl', '--logical-date', '2024-13-45']),
    trig(s, 'flag --parms', /parms|params/, ['example_etl', '--parms', '{}']),
    ui('Web UI: modelNmae', /modelNmae.*modelName/, 'ml_retrain', { params: { modelNmae: 'x' } }),
    ui('Web UI: rows "ten"', /rows/, 'example_etl', { params: { rows: 'ten' } }),
    ui('Web UI: championAlias "latest"', /latest/, 'ml_retrain', { params: { championAlias: 'latest' } }),
    ui('Web UI: metric "acuracy"', /acuracy/, 'ml_retrain', { params: { thresholds: [{ metric: 'acuracy', lower: 0.9 }] } }),
    ui('Web UI: input is a string', /input|params|object/i, 'example_etl', 'hello'),
    ui('Web UI: workflow type ml_retrian', /ml_retrian/, 'ml_retrian', { params: {} }),
  ];
}

/** A finished run's workflow id started again from the Temporal client (issue 14.2): must not overwrite. */
export function reuseCases(s: CensusStack, finishedWorkflowId: string, runningWorkflowId: string): CaseSpec[] {
  return [
    {
      group: 'temporal',
      name: 'start with a running workflow id',
      expect: 'refused',
      accept: (p) => p.status === 'refused at start',
      names: /already started/,
      run: () => temporalRun(s, 'ml_retrain', { params: {} }, runningWorkflowId),
    },
    {
      group: 'temporal',
      name: 'ml_retrain again with a finished run’s id',
      expect: 'completed',
      accept: (p) => p.status === 'completed',
      names: null,
      run: () => temporalRun(s, 'ml_retrain', { params: {} }, finishedWorkflowId, 600_000),
    },
  ];
}
