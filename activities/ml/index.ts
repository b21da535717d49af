/**
 * The ML retraining activities, built around one artifact store. `mlActivities` (registered
 * in activities/index.ts) uses the process-wide store from the environment; tests and
 * workers that already hold an S3 client can call `createMlActivities` with their own.
 */
import { evaluateModel } from './evaluate';
import { fitFeatures } from './features';
import { expandHyperparameterGrid } from './grid';
import { ingestDataset } from './ingest';
import { registerCandidate } from './register';
import { rejectCandidate } from './reject';
import { writeRunReport } from './report';
import { splitDataset } from './split';
import { storeFromEnv, type StoreProvider } from './store';
import { trainBestModel } from './train-best';
import { tuneCandidate } from './tune';
import { validateDataset } from './validate';

export function createMlActivities(store: StoreProvider) {
  return {
    mlIngestDataset: ingestDataset(store),
    mlValidateDataset: validateDataset(store),
    mlSplitDataset: splitDataset(store),
    mlFitFeatures: fitFeatures(store),
    mlExpandGrid: expandHyperparameterGrid,
    mlTuneCandidate: tuneCandidate(store),
    mlTrainBest: trainBestModel(store),
    mlEvaluateModel: evaluateModel(store),
    mlRegisterCandidate: registerCandidate(store),
    mlRejectCandidate: rejectCandidate,
    mlWriteRunReport: writeRunReport(store),
  };
}

export const mlActivities = createMlActivities(storeFromEnv);
