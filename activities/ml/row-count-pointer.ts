/**
 * The row-count pointer, `tideflow.row-count-pointer` version 1: one small document per DAG and
 * validate task, `${prefix}runs/<dagId>/_validation/<taskId>.json`, holding the row count of the
 * last successful validation. `previousRowCount: 'auto'` compares with it — never with a pointer
 * the same workflow wrote (a retried or re-run task must not compare a dataset with itself).
 * Validate writes it, and so does a step-cache hit that skipped validate (activities/cache).
 */
import { z } from 'zod';
import { defineArtifact, type ArtifactOf } from '../../core/artifact-format';
import { ArtifactError } from '../../core/errors';
import { getDoc, putDoc } from '../../storage/documents';
import type { TaskContext } from '../context';
import type { ArtifactStore } from './store';

export const rowCountPointer = defineArtifact('tideflow.row-count-pointer', 1, {
  rows: z.number().int().nonnegative(),
  workflowId: z.string(),
  logicalDate: z.string(),
  /** The validated dataset's uri. */
  dataset: z.string(),
});
export type RowCountPointer = ArtifactOf<typeof rowCountPointer>;

type PointerContext = Pick<TaskContext, 'dagId' | 'taskId' | 'workflowId' | 'logicalDate' | 'log'>;

/** Where the last successful validation of this DAG's task keeps its row count. */
export const rowCountPointerKey = (s: ArtifactStore, ctx: Pick<TaskContext, 'dagId' | 'taskId'>): string =>
  `${s.prefix}runs/${ctx.dagId}/_validation/${ctx.taskId}.json`;

/**
 * The row count 'auto' compares with, or null: no pointer, one this workflow wrote, or one that
 * cannot be read (an unreadable pointer only means no comparison this time, with a warning).
 */
export async function readPreviousRowCount(s: ArtifactStore, ctx: PointerContext): Promise<number | null> {
  const key = rowCountPointerKey(s, ctx);
  let pointer: RowCountPointer;
  try {
    const doc = await getDoc<unknown>(s, key);
    if (doc === undefined) return null;
    // Pointers written before the format was declared have no `format` (nor version) field.
    const value = typeof doc.value === 'object' && doc.value !== null ? { ...rowCountPointer.head, ...doc.value } : doc.value;
    pointer = rowCountPointer.parse(value, key);
  } catch (err) {
    if (!(err instanceof SyntaxError) && !(err instanceof ArtifactError)) throw err;
    ctx.log.warn('ignoring an unreadable previous-row-count pointer', { key, error: err.message });
    return null;
  }
  return pointer.workflowId === ctx.workflowId ? null : pointer.rows;
}

/** Record this run's validated row count as the next run's baseline. */
export async function writeRowCountPointer(s: ArtifactStore, ctx: PointerContext, rows: number, dataset: string): Promise<void> {
  const pointer: RowCountPointer = { ...rowCountPointer.head, rows, workflowId: ctx.workflowId, logicalDate: ctx.logicalDate, dataset };
  await putDoc(s, rowCountPointerKey(s, ctx), pointer, {});
}
