/**
 * The README's customised pipeline (tests/fixtures/penguin-sex.ts, built with defineRetrainDag)
 * end to end on the real servers: own target and features, the own steps inserted where the
 * options say, the gate's decision computed once and read downstream; and the heavy steps'
 * per-run settings (timeouts from params, the ML task queue from the run's `queues.ml`) as they
 * reach Temporal's activity scheduling.
 */
import { describe, expect, it } from 'vitest';
import type { RegisterModelOutput } from '../../activities/ml/register-model';
import type { SplitDataOutput } from '../../activities/ml/split-data';
import type { WriteReportOutput } from '../../activities/ml/write-report';
import { ParamsError } from '../../client/runs';
import type { DagDefinition } from '../../core/model';
import type { RunView } from '../../core/run-view';
import type { GateDecision } from '../../mlops/gate';
import penguinSex from '../fixtures/penguin-sex';
import { useHarnessWithWorker, runToEnd, statesOf, taskOf } from '../integration/harness';
import { BLESSED_RUN_STATES } from './retrain-states';

const h = useHarnessWithWorker('retrain-template');

const dag = penguinSex as DagDefinition;
const output = <T>(view: RunView, id: string): T => taskOf(view, id).output as T;
const spec = (id: string) => dag.tasks.find((t) => t.id === id);

describe('a pipeline built with defineRetrainDag', () => {
  it('wires the own steps where the options put them', () => {
    expect(spec('check_split')?.upstream).toEqual(['split']);
    expect(spec('candidates')?.upstream).toEqual(['check_split']);
    expect(spec('score')?.upstream).toEqual(['register']);
    expect(spec('report')?.upstream).toEqual(['register', 'rejected', 'score']);
    // The gate's decision is read by register, rejected and report.
    expect(spec('register')?.upstream).toContain('gate');
    expect(spec('rejected')?.upstream).toEqual(['gate']);
    expect(spec('report')?.reads).toContain('gate');
  });

  it('runs end to end: trains on its own target and features, checks the split, registers, scores and reports', async () => {
    const modelName = `penguin-sex-${Date.now().toString(36)}`;
    const { view, error } = await runToEnd(h, dag, { modelName });
    expect(error).toBeUndefined();
    // The stock run's states and the pipeline's own steps (check_split, score).
    expect(statesOf(view)).toEqual({ ...BLESSED_RUN_STATES, check_split: 'success', score: 'success' });
    const split = output<SplitDataOutput>(view, 'split');
    expect(split).toMatchObject({ task: 'binary', classes: ['FEMALE', 'MALE'] });
    expect(split.missingTarget).toBeGreaterThan(0);
    const gate = output<GateDecision>(view, 'gate');
    expect(gate.blessed).toBe(true);
    const registered = output<RegisterModelOutput>(view, 'register');
    expect(registered).toMatchObject({ modelName, version: 1 });
    const score = output<{ version: number; rows: number }>(view, 'score');
    expect(score).toMatchObject({ version: 1, rows: 344 });
    expect(output<WriteReportOutput>(view, 'report')).toMatchObject({ blessed: true, summary: gate.summary });
  }, 240_000);

  it('rejects an unknown or misspelt param before the run starts, naming the nearest key', async () => {
    await expect(runToEnd(h, dag, { stepTimeouts: { heartbeet: '5 minutes' } })).rejects.toThrow(ParamsError);
    await expect(runToEnd(h, dag, { modelNmae: 'x' })).rejects.toThrow(/did you mean 'modelName'/);
  });

  it('schedules the heavy steps on the run’s ML queue with the timeouts its params ask for', async () => {
    const mlQueue = `${h.taskQueue}-ml`;
    const handle = await h.client.workflow.start(dag.id, {
      taskQueue: h.taskQueue,
      workflowId: `penguin_sex-queue-${Date.now().toString(36)}`,
      args: [{ params: { stepTimeouts: { heartbeat: '3 minutes', startToClose: '2 hours' } }, queues: { ml: mlQueue } }],
    });
    try {
      // Nothing polls the ML queue: tune[0] stays scheduled there, which is what this checks.
      let scheduled: { taskQueue?: string; heartbeat?: unknown; startToClose?: unknown } | undefined;
      for (let i = 0; i < 120 && !scheduled; i++) {
        const history = await handle.fetchHistory();
        const event = history.events?.find((e) => e.activityTaskScheduledEventAttributes?.activityId === 'tune[0]');
        const a = event?.activityTaskScheduledEventAttributes;
        if (a)
          scheduled = { taskQueue: a.taskQueue?.name ?? undefined, heartbeat: a.heartbeatTimeout, startToClose: a.startToCloseTimeout };
        else await new Promise((r) => setTimeout(r, 500));
      }
      expect(scheduled?.taskQueue).toBe(mlQueue);
      expect(Number((scheduled?.heartbeat as { seconds?: unknown })?.seconds)).toBe(180);
      expect(Number((scheduled?.startToClose as { seconds?: unknown })?.seconds)).toBe(7200);
      // The light steps stayed on the DAG's queue.
      const history = await handle.fetchHistory();
      const split = history.events?.find((e) => e.activityTaskScheduledEventAttributes?.activityId === 'split');
      expect(split?.activityTaskScheduledEventAttributes?.taskQueue?.name).toBe(h.taskQueue);
    } finally {
      await handle.terminate('test done');
    }
  }, 120_000);

  it('fails the run before any task when a param asks for an invalid timeout', async () => {
    await expect(runToEnd(h, dag, { stepTimeouts: { heartbeat: 'soon' } })).rejects.toThrow(/stepTimeouts\.heartbeat/);
  });
});
