/** The heavy ML steps' per-run options: params' timeouts, then the run's ML queue over the DAG's. */
import { describe, expect, it } from 'vitest';
import { mlStepRunOptions } from '../../dags/params/ml-steps';
import mlRetrain, { mlRetrainParams } from '../../dags/ml_retrain';
import { defineRetrainDag } from '../../dags/templates/retrain';

const params = (over: Record<string, unknown> = {}) => mlRetrainParams.parse(over);

describe('heavy ML step options', () => {
  it('are unset by default, so a run without settings keeps the task options', () => {
    expect(mlStepRunOptions(undefined)(params(), { queues: {} })).toEqual({});
  });

  it('take the timeouts from the stepTimeouts param', () => {
    const p = params({ stepTimeouts: { heartbeat: '2 minutes', startToClose: '2 hours' } });
    expect(mlStepRunOptions(undefined)(p, { queues: {} })).toEqual({ heartbeatTimeout: '2 minutes', startToCloseTimeout: '2 hours' });
  });

  it("route to the run's ML queue over the DAG's", () => {
    expect(mlStepRunOptions('ml-dag')(params(), { queues: {} })).toEqual({ taskQueue: 'ml-dag' });
    expect(mlStepRunOptions('ml-dag')(params(), { queues: { ml: 'ml-env' } })).toEqual({ taskQueue: 'ml-env' });
  });

  it('apply to tune, train_best and evaluate only in ml_retrain, and the template option sets the default', () => {
    const heavy = mlRetrain.tasks.filter((t) => t.runOptions && t.id !== 'ingest').map((t) => t.id);
    expect(heavy).toEqual(['tune', 'train_best', 'evaluate']);
    const dag = defineRetrainDag({ ...baseOptions(), id: 'custom', mlTaskQueue: 'gpu', stepTimeouts: { heartbeat: '5 minutes' } });
    const tune = dag.tasks.find((t) => t.id === 'tune');
    expect(tune?.runOptions?.(dag.params.parse({}) as never, { queues: {} })).toEqual({ heartbeatTimeout: '5 minutes', taskQueue: 'gpu' });
  });

  it("raise ingest's heartbeat timeout only above its own minute, never moving its queue", () => {
    const ingest = mlRetrain.tasks.find((t) => t.id === 'ingest');
    const opts = (over: Record<string, unknown>) => ingest?.runOptions?.(params(over) as never, { queues: { ml: 'ml-env' } });
    expect(opts({})).toEqual({});
    expect(opts({ stepTimeouts: { heartbeat: '30s' } })).toEqual({});
    expect(opts({ stepTimeouts: { heartbeat: '10 minutes', startToClose: '2 hours' } })).toEqual({ heartbeatTimeout: '10 minutes' });
  });

  it('reject a bad duration at trigger time, naming the field', () => {
    const r = mlRetrainParams.safeParse({ stepTimeouts: { startToClose: -1 } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['stepTimeouts', 'startToClose']);
  });
});

function baseOptions() {
  const p = params();
  return {
    source: p.source,
    target: p.target,
    modelName: 'custom',
    schema: p.schema,
    features: p.features,
    search: p.search,
    thresholds: p.thresholds,
  };
}
