/**
 * The ML lifecycle activities, built around one artifact store. `mlActivities` (registered in
 * activities/index.ts) use the worker's store from the task context; tests can call
 * `createMlActivities` with their own.
 */
import { evaluateModel } from './evaluate-model';
import { expandSearchTrials } from './expand-search';
import { exportModel } from './export-model';
import { ingestData } from './ingest-data';
import { predictBatch } from './predict-batch';
import { registerModel } from './register-model';
import { rejectModel } from './reject-model';
import { splitData } from './split-data';
import { storeOf, type StoreProvider } from './store';
import { trainModel } from './train-model';
import { tuneTrial } from './tune-trial';
import { validateData } from './validate-data';
import { writeRunReport } from './write-report';

export function createMlActivities(store: StoreProvider) {
  return {
    mlIngest: ingestData(store),
    mlValidate: validateData(store),
    mlSplit: splitData(store),
    mlExpandSearch: expandSearchTrials,
    mlTuneTrial: tuneTrial(store),
    mlTrainModel: trainModel(store),
    mlEvaluate: evaluateModel(store),
    mlRegister: registerModel(store),
    mlReject: rejectModel,
    mlReport: writeRunReport(store),
    mlPredict: predictBatch(store),
    mlExportModel: exportModel(store),
  };
}

export const mlActivities = createMlActivities(storeOf);
