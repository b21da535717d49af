/**
 * The external-command step. `commandActivities` (registered in activities/index.ts) uses the
 * process-wide artifact store from the environment; tests can bind their own with
 * `createCommandActivities`.
 */
import { storeFromEnv, type StoreProvider } from '../ml/store';
import { runCommandActivity } from './run';

export type { ArtifactRef, CommandInput, CommandInputSource, CommandOutput, CommandProgress } from './types';

export function createCommandActivities(store: StoreProvider) {
  return {
    runCommand: runCommandActivity(store),
  };
}

export const commandActivities = createCommandActivities(storeFromEnv);
