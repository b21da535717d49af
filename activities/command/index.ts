/**
 * The external-command step. `commandActivities` (registered in activities/index.ts) uses the
 * worker's artifact store from the task context; tests can bind their own with
 * `createCommandActivities`.
 */
import { storeOf, type StoreProvider } from '../context';
import { runCommandActivity } from './run';

export type { ArtifactRef, CommandInput, CommandInputSource, CommandOutput, CommandProgress } from './types';

export function createCommandActivities(store: StoreProvider) {
  return {
    runCommand: runCommandActivity(store),
  };
}

export const commandActivities = createCommandActivities(storeOf);
