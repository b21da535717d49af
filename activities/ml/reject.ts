/** rejected: record why the candidate did not pass the gate (which threshold, by how much). */
import type { TaskContext } from '../context';
import { gateChecks, type GateThresholds } from './lib/gate';
import type { EvalMetrics } from './types';

export interface RejectInput {
  modelName: string;
  metrics: EvalMetrics;
  thresholds: GateThresholds;
}

export interface RejectOutput {
  modelName: string;
  reason: string;
  failed: ReturnType<typeof gateChecks>;
}

export async function rejectCandidate(input: RejectInput, ctx: TaskContext): Promise<RejectOutput> {
  const failed = gateChecks(input.metrics, input.thresholds).filter((c) => !c.passed);
  const reason =
    failed.length > 0
      ? failed.map((c) => `${c.metric} ${c.value.toFixed(4)} < min ${c.threshold}`).join('; ')
      : 'the gate routed here although every check passed';
  ctx.log.warn('candidate rejected', { modelName: input.modelName, reason });
  return { modelName: input.modelName, reason, failed };
}
