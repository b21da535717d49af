/**
 * `tideflowBackfill`: a durable backfill. One child workflow (a normal DAG run, trigger
 * 'backfill') per logical date, at most `maxActive` at a time, dates walked page by page with
 * continue-as-new after each page so three years of hourly dates stay within history limits.
 *
 * Child ids are deterministic (`<dag>__backfill__<logical date>`), so a replay after a worker
 * or server restart never starts a date twice, and a date already running elsewhere is
 * refused by the server rather than duplicated. Cancelling the backfill cancels its running
 * children and still returns the report. Progress: the `backfillProgress` query.
 */
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  defineQuery,
  isCancellation,
  proxyActivities,
  setHandler,
  startChild,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { backfillInputProblems, backfillInputSchema, type BackfillInput } from '../core/backfill-input';
import { FailureType } from '../core/errors';
import {
  backfillRunId,
  decide,
  emptyCounts,
  MAX_BACKFILL_DATES,
  pageOfDates,
  parseRange,
  type BackfillCarry,
  type BackfillProgress,
  type DateOutcome,
} from '../core/backfill-plan';
import type { DagDefinition } from '../core/model';
import { DAG_KEY, LOGICAL_DATE_KEY, TRIGGER_KEY } from '../core/search-attributes';
import type { BackfillActivities } from '../activities/backfill';
import { childErrorText } from './child-error';
import { failedRunsToResume } from './backfill-resume';

export const backfillProgressQuery = defineQuery<BackfillProgress>('backfillProgress');

export const DEFAULT_MAX_ACTIVE = 16;
export const DEFAULT_PAGE_SIZE = 500;
/** Outcomes carried across continue-as-new (failures first): bounded, so the input stays small. */
const KEEP_LIMIT = 2000;

const { tideflowBackfillCheckRuns, tideflowBackfillCountDates } = proxyActivities<BackfillActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

const invalid = (message: string): ApplicationFailure => ApplicationFailure.nonRetryable(message, FailureType.InvalidBackfill);

export type BackfillWorkflow = (input: BackfillInput) => Promise<BackfillProgress>;

export function createBackfillWorkflow(dags: readonly DagDefinition[] | ((dagId: string) => DagDefinition | undefined)): BackfillWorkflow {
  const lookup = typeof dags === 'function' ? dags : (id: string) => dags.find((d) => d.id === id);

  return async function tideflowBackfill(raw: BackfillInput): Promise<BackfillProgress> {
    const parsed = backfillInputSchema.safeParse(raw);
    if (!parsed.success) throw invalid(`Invalid backfill input: ${backfillInputProblems(parsed.error)}`);
    const input = parsed.data;
    const dag = lookup(input.dagId);
    if (!dag) throw invalid(`No DAG named '${input.dagId}' on this worker`);
    const schedule = dag.schedule;
    if (!schedule)
      throw invalid(`DAG '${dag.id}' has no schedule, so it has no logical dates to backfill (trigger it with a --logical-date instead)`);
    const range = parseRange(input.from, input.to);
    if (typeof range === 'string') throw invalid(range);
    const reprocess = input.reprocess ?? 'none';
    const maxActive = input.maxActive ?? schedule.maxActiveRuns ?? DEFAULT_MAX_ACTIVE;
    const pageSize = input.pageSize ?? DEFAULT_PAGE_SIZE;
    const params = dag.params.safeParse(input.params ?? {});
    if (!params.success)
      throw invalid(
        `Invalid params for DAG '${dag.id}': ${params.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      );
    const backwards = input.backwards ?? false;
    const dryRun = input.dryRun ?? false;

    const carry: BackfillCarry = input.carry ?? { total: 0, counts: emptyCounts(), generation: 0, kept: [], omitted: 0, peakRunning: 0 };
    const counts = { ...carry.counts };
    let current: DateOutcome[] = [];
    let running = 0;
    let peakRunning = carry.peakRunning;
    let cancelled = false;
    let done = false;

    const progress = (): BackfillProgress => {
      const finished = counts.succeeded + counts.failed + counts.cancelled + counts.skipped + counts.planned;
      return {
        dagId: dag.id,
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        reprocess,
        maxActive,
        backwards,
        dryRun,
        total: carry.total,
        ...counts,
        running,
        pending: Math.max(0, carry.total - finished - running),
        peakRunning,
        generation: carry.generation,
        done,
        aborted: cancelled,
        dates: [...carry.kept, ...current],
        omitted: carry.omitted,
      };
    };
    setHandler(backfillProgressQuery, progress);
    if (!input.carry) {
      carry.total = await tideflowBackfillCountDates({ schedule, from: range.from.toISOString(), to: range.to.toISOString() });
      if (carry.total > MAX_BACKFILL_DATES) throw invalid(`the range has more than ${MAX_BACKFILL_DATES} logical dates; split it`);
    }

    const finish = (o: DateOutcome, state: 'succeeded' | 'failed' | 'cancelled', detail?: string): void => {
      o.state = state;
      if (detail !== undefined) o.detail = detail;
      counts[state]++;
      running--;
    };

    let resumeOf = new Map<string, { workflowId: string; runId: string }>();
    const launch = async (o: DateOutcome): Promise<void> => {
      running++;
      peakRunning = Math.max(peakRunning, running);
      o.state = 'running';
      const retryOf = resumeOf.get(o.logicalDate);
      if (retryOf) o.detail = `retry of run ${retryOf.runId}`;
      try {
        const child = await startChild(dag.id, {
          workflowId: o.workflowId,
          args: [
            {
              params: input.params ?? {},
              logicalDate: o.logicalDate,
              ...(retryOf && { retryOf }),
            },
          ],
          typedSearchAttributes: [
            { key: DAG_KEY, value: dag.id },
            { key: TRIGGER_KEY, value: 'backfill' },
            { key: LOGICAL_DATE_KEY, value: new Date(o.logicalDate) },
          ],
        });
        child.result().then(
          () => finish(o, 'succeeded'),
          (err: unknown) =>
            isCancellation(err)
              ? finish(o, 'cancelled', cancelled ? 'cancelled with the backfill' : 'run cancelled')
              : finish(o, 'failed', childErrorText(err)),
        );
      } catch (err) {
        running--;
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          o.state = 'skipped';
          o.detail = 'a run of this date is still running';
          counts.skipped++;
        } else if (isCancellation(err)) {
          // The backfill was cancelled before this child started: the main loop reports it.
          o.state = 'pending';
        } else {
          o.state = 'failed';
          o.detail = `could not start: ${childErrorText(err)}`;
          counts.failed++;
        }
      }
    };

    const page = pageOfDates(schedule, range, backwards, pageSize, carry.cursor === undefined ? undefined : new Date(carry.cursor));
    current = page.dates.map((d) => ({ logicalDate: d.toISOString(), workflowId: backfillRunId(dag.id, d), state: 'pending' }));
    try {
      const existing = await tideflowBackfillCheckRuns({ dagId: dag.id, logicalDates: current.map((o) => o.logicalDate) });
      const toRun: DateOutcome[] = [];
      current.forEach((o, i) => {
        const decision = decide(reprocess, existing[i] ?? 'none');
        if (decision.action === 'skip') {
          o.state = 'skipped';
          o.detail = decision.reason;
          counts.skipped++;
        } else if (dryRun) {
          o.state = 'planned';
          counts.planned++;
        } else toRun.push(o);
      });
      if (input.resume && !dryRun) resumeOf = await failedRunsToResume(dag.id, toRun, existing, current);
      // Starts are not awaited one by one: up to maxActive children start in one workflow task.
      for (const o of toRun) {
        await condition(() => running < maxActive);
        void launch(o);
      }
      await condition(() => running === 0);
    } catch (err) {
      if (!isCancellation(err)) throw err;
      cancelled = true;
      for (const o of current) if (o.state === 'pending') o.detail = 'not started: backfill cancelled';
      // Children got the cancellation with this scope; wait for them to report it.
      await CancellationScope.nonCancellable(() => condition(() => running === 0));
    }

    if (!cancelled && page.next !== undefined) {
      const keep = [...carry.kept, ...current.filter((o) => o.state !== 'succeeded' && o.state !== 'skipped')];
      const kept = keep.slice(0, KEEP_LIMIT);
      const next: BackfillCarry = {
        cursor: page.next.toISOString(),
        total: carry.total,
        counts,
        generation: carry.generation + 1,
        kept,
        omitted: carry.omitted + current.length + carry.kept.length - kept.length,
        peakRunning,
      };
      await continueAsNew<BackfillWorkflow>({ ...input, carry: next });
    }
    done = true;
    return progress();
  };
}
