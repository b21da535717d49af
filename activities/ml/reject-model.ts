/**
 * rejected: the gate did not bless the candidate. Records which thresholds failed and by how
 * much (the same pure `decideGate` the DAG's branch ran, so the two cannot disagree); nothing
 * is registered and the champion is untouched.
 */
import type { TaskContext } from '../context';
import { decideGate, type Baseline, type GateCheck, type GateDecision, type MetricThreshold } from '../../mlops/gate';

export interface RejectModelInput {
  modelName: string;
  metrics: Record<string, number>;
  thresholds: MetricThreshold[];
  champion: Baseline | null;
  /** The gate task's decision, when the DAG computed it once (then used instead of deciding again). */
  decision?: GateDecision;
}

export interface RejectModelOutput {
  modelName: string;
  reason: string;
  failed: GateCheck[];
}

export async function rejectModel(input: RejectModelInput, ctx: TaskContext): Promise<RejectModelOutput> {
  const decision = input.decision ?? decideGate(input.metrics, input.thresholds, input.champion);
  const failed = decision.checks.filter((c) => !c.passed);
  const reason = decision.blessed ? 'the gate routed here although every check passed' : decision.summary;
  ctx.log.warn('candidate rejected', { modelName: input.modelName, reason });
  return { modelName: input.modelName, reason, failed };
}
