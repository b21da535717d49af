/**
 * Activities whose work can take minutes and that heartbeat through it, or read whole datasets:
 * fitting or scoring in a worker thread (ml/offload), streaming many files, supervising a child
 * process. Validation refuses to run them as local activities (core/local-tasks.ts): a local
 * activity cannot heartbeat to the server and holds the workflow task while it runs.
 */
import type { Activities } from './index';

export const HEARTBEATING_ACTIVITIES: ReadonlySet<keyof Activities & string> = new Set([
  'mlIngest',
  'mlValidate',
  'mlTuneTrial',
  'mlTrainModel',
  'mlEvaluate',
  'mlPredict',
  'driftComputeReport',
  'runCommand',
] as const);
