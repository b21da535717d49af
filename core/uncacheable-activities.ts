/**
 * The built-in activities with side effects (or whose answer is the state of the world at run
 * time): a task running one is never cached, and an explicit `cache` on it is refused at load
 * (./cache-tasks.ts). Plain data, so both the worker (activities/cache/policy.ts re-exports it)
 * and the workflow (the cache probe, workflows/cache-probe.ts) know which tasks are cached.
 */
import type { UncacheableActivity } from './cache-tasks';

export const UNCACHEABLE_ACTIVITIES: ReadonlyMap<string, UncacheableActivity> = new Map([
  ['mlRegister', { reason: 'registers a model version in the registry and may move its champion alias' }],
  ['mlReject', { reason: "records the gate's rejection of this run's candidate" }],
  ['mlReport', { reason: 'writes the report of its own run (run identity, params, the version it registered)' }],
  ['mlExportModel', { reason: 'writes an export into a registered model version' }],
  ['registryRegisterModel', { reason: 'registers a model version in the registry' }],
  ['registryPromoteModel', { reason: 'moves a registry alias' }],
  ['registryResolveAlias', { reason: "answers the registry's current alias, which changes under the same input" }],
  ['driftComputeReport', { reason: 'reads the champion and the prediction log as they are at run time' }],
  ['driftSignalController', { reason: 'signals the retraining controller' }],
  ['scheduledRetrainRequest', { reason: 'signals the retraining controller' }],
  ['runCommand', { reason: 'runs a process that may write anywhere (outside the run, to services)', pureAllowed: true }],
]);
