/** Why a child workflow failed, in one line: the child's own error rather than Temporal's "child failed" wrapper. Workflow-safe. */
import { ChildWorkflowFailure } from '@temporalio/workflow';

export function childErrorText(err: unknown): string {
  if (err instanceof ChildWorkflowFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
