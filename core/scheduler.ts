/**
 * The run scheduler: a pure state machine over one DAG run.
 *
 * The workflow asks it what to launch (`poll`), tells it what finished (`succeed`/`fail`),
 * and reads the states back. No Temporal here, so every scheduling decision is unit tested.
 * Pending tasks are settled in topological order, so a skip or failure cascades through the
 * whole graph in one pass. The records it keeps are typed in ./task-record.ts; trigger rules
 * (./trigger-rules.ts) and the selector, empty-task and fan-out decisions (./task-decisions.ts)
 * are pure functions it applies.
 */
import { downstreamMap, topologicalOrder } from './graph';
import type { DagDefinition, SelectorContext, TaskSpec } from './model';
import { ENGINE_DEFAULTS } from './model';
import { emptyTaskOutput, fanOutSize, ruledOutBySelector } from './task-decisions';
import type { Launch, TaskRecord } from './task-record';
import { evaluateTriggerRule, isFinished, type FinishedState, type TriggerRule } from './trigger-rules';

export type { CachedFrom, Launch, MapProgress, TaskRecord } from './task-record';

export class RunScheduler {
  readonly records = new Map<string, TaskRecord>();
  private readonly specs: Map<string, TaskSpec>;
  private readonly order: string[];
  private readonly down: Map<string, string[]>;
  /** Tasks whose trigger rule passed, waiting for a free slot. */
  private readonly queued = new Set<string>();
  private running = 0;
  private finishedCount = 0;

  constructor(
    private readonly dag: DagDefinition,
    private readonly selectorContext: SelectorContext,
    private readonly now: () => string,
  ) {
    const order = topologicalOrder(dag.tasks);
    if (!order) throw new Error(`DAG '${dag.id}' has a cycle`);
    this.order = order;
    this.specs = new Map(dag.tasks.map((t) => [t.id, t]));
    this.down = downstreamMap(dag.tasks);
    for (const id of order) this.records.set(id, { id, state: 'pending', attempts: 0 });
  }

  get activeCount(): number {
    return this.running;
  }

  isDone(): boolean {
    return this.finishedCount === this.records.size;
  }

  /** Leaves that ended failed or upstream_failed: Airflow fails a run on these. */
  failedLeaves(): string[] {
    return this.order.filter(
      (id) => (this.down.get(id) ?? []).length === 0 && ['failed', 'upstream_failed'].includes(this.record(id).state),
    );
  }

  /** Tasks that themselves failed (the root causes to name in an error). */
  failedTasks(): TaskRecord[] {
    return this.order.map((id) => this.record(id)).filter((r) => r.state === 'failed');
  }

  /** Settle what the trigger rules decide, then launch what fits in the free slots, in topological order. */
  poll(): Launch[] {
    this.settlePending();
    const launches: Launch[] = [];
    for (const id of this.order) {
      const rec = this.record(id);
      const spec = this.spec(id);
      if (this.queued.has(id) && this.running < this.dag.maxActiveTasks) {
        this.queued.delete(id);
        rec.state = 'running';
        rec.startedAt = this.now();
        this.running++;
        launches.push({ taskId: id });
      } else if (rec.mapped && rec.state === 'running') {
        const m = rec.mapped;
        const cap = spec.expand?.maxParallel ?? Number.POSITIVE_INFINITY;
        while (m.launched < m.total && m.running < cap && this.running < this.dag.maxActiveTasks) {
          launches.push({ taskId: id, mapIndex: m.launched });
          m.launched++;
          m.running++;
          this.running++;
        }
      }
    }
    return launches;
  }

  succeed(launch: Launch, output: unknown, attempts: number): void {
    const rec = this.record(launch.taskId);
    this.running--;
    rec.attempts = Math.max(rec.attempts, attempts);
    if (rec.mapped && launch.mapIndex !== undefined) {
      const m = rec.mapped;
      m.running--;
      m.succeeded++;
      m.outputs[launch.mapIndex] = output;
      this.finishMappedIfDone(rec);
      return;
    }
    rec.output = output;
    this.finish(rec, 'success');
    this.applySelectors(this.spec(rec.id), rec);
  }

  fail(launch: Launch, error: string, attempts: number): void {
    const rec = this.record(launch.taskId);
    this.running--;
    rec.attempts = Math.max(rec.attempts, attempts);
    if (rec.mapped && launch.mapIndex !== undefined) {
      rec.mapped.running--;
      rec.mapped.failed++;
      rec.error ??= `instance ${launch.mapIndex}: ${error}`;
      this.finishMappedIfDone(rec);
      return;
    }
    rec.error = error;
    this.finish(rec, 'failed');
  }

  /** Mark every unfinished task as failed (the run was cancelled or hit an internal error). */
  abort(reason: string): void {
    for (const rec of this.records.values()) {
      if (isFinished(rec.state)) continue;
      rec.error = reason;
      this.finish(rec, rec.state === 'running' ? 'failed' : 'upstream_failed');
    }
    this.queued.clear();
    this.running = 0;
  }

  record(id: string): TaskRecord {
    const rec = this.records.get(id);
    if (!rec) throw new Error(`unknown task '${id}' in DAG '${this.dag.id}'`);
    return rec;
  }

  private spec(id: string): TaskSpec {
    const spec = this.specs.get(id);
    if (!spec) throw new Error(`unknown task '${id}' in DAG '${this.dag.id}'`);
    return spec;
  }

  private finish(rec: TaskRecord, state: FinishedState, note?: string): void {
    if (!isFinished(rec.state)) this.finishedCount++;
    rec.state = state;
    rec.endedAt = this.now();
    if (note !== undefined) rec.note = note;
  }

  private settlePending(): void {
    for (const id of this.order) {
      const rec = this.record(id);
      if (rec.state !== 'pending' || this.queued.has(id)) continue;
      const spec = this.spec(id);
      const rule: TriggerRule = spec.triggerRule ?? this.dag.defaults.triggerRule ?? ENGINE_DEFAULTS.triggerRule;
      const verdict = evaluateTriggerRule(
        rule,
        spec.upstream.map((u) => this.record(u).state),
      );
      if (verdict === 'wait') continue;
      if (verdict !== 'run') {
        this.finish(rec, verdict, `trigger rule ${rule}`);
        continue;
      }
      if (spec.activity === undefined) {
        // Empty task: settles on the spot; with an input, that input resolved is its output
        // (else its branch/short-circuit sees the upstream outputs).
        rec.startedAt = this.now();
        if (spec.input && !this.computeEmptyOutput(spec, rec)) continue;
        this.finish(rec, 'success');
        this.applySelectors(spec, rec);
      } else if (spec.expand) {
        this.expand(spec, rec);
      } else {
        this.queued.add(id);
      }
    }
  }

  private expand(spec: TaskSpec, rec: TaskRecord): void {
    const from = spec.expand?.from ?? '';
    const source = this.record(from).output;
    const total = fanOutSize(source);
    rec.startedAt = this.now();
    if (total === undefined) {
      rec.error = `cannot fan out over '${from}': its output is not a list`;
      this.finish(rec, 'failed');
    } else if (total === 0) {
      rec.mapped = { total: 0, launched: 0, running: 0, succeeded: 0, failed: 0, outputs: [] };
      this.finish(rec, 'skipped', `'${from}' produced an empty list`);
    } else {
      rec.mapped = { total, launched: 0, running: 0, succeeded: 0, failed: 0, outputs: new Array<unknown>(total).fill(null) };
      rec.state = 'running';
    }
  }

  private finishMappedIfDone(rec: TaskRecord): void {
    const m = rec.mapped;
    if (!m || m.succeeded + m.failed < m.total) return;
    if (m.failed > 0) {
      rec.error = `${m.failed} of ${m.total} instance(s) failed; first: ${rec.error ?? 'unknown error'}`;
      this.finish(rec, 'failed');
    } else {
      rec.output = m.outputs;
      this.finish(rec, 'success');
    }
  }

  /** An empty task's output, computed in the workflow from inline upstream outputs; false (task failed) if it cannot be. */
  private computeEmptyOutput(spec: TaskSpec, rec: TaskRecord): boolean {
    const upstream = this.upstreamOutputs(spec, true);
    try {
      rec.output = emptyTaskOutput(spec, upstream, this.selectorContext, this.dag.id);
      return true;
    } catch (err) {
      rec.error = `input failed: ${err instanceof Error ? err.message : String(err)}`;
      this.finish(rec, 'failed');
      return false;
    }
  }

  /** Run the task's branch or short-circuit selector on its output and skip what it rules out. */
  private applySelectors(spec: TaskSpec, rec: TaskRecord): void {
    const output = spec.activity === undefined && !spec.input ? this.upstreamOutputs(spec) : rec.output;
    try {
      const ruledOut = ruledOutBySelector(spec, output, this.selectorContext, this.down);
      for (const d of ruledOut.targets) this.skip(d, ruledOut.note);
    } catch (err) {
      rec.error = `selector failed: ${err instanceof Error ? err.message : String(err)}`;
      rec.state = 'failed';
    }
  }

  private upstreamOutputs(spec: TaskSpec, withReads = false): Record<string, unknown> {
    const ids = withReads ? [...spec.upstream, ...(spec.reads ?? [])] : spec.upstream;
    return Object.fromEntries(ids.map((u) => [u, this.record(u).output]));
  }

  private skip(id: string, note: string): void {
    const rec = this.record(id);
    if (rec.state !== 'pending') return;
    this.queued.delete(id);
    this.finish(rec, 'skipped', note);
  }
}
