/**
 * The DAGs this project serves. Add a DAG by importing it here: the worker, the CLI and
 * the workflow router all read this list, and loading validates it.
 */
import type { DagDefinition } from '../core/model';
import exampleEtl from './example_etl';
import mlRetrain from './ml_retrain';
import driftMonitor from './drift_monitor';
import scheduledRetrain from './scheduled_retrain';
import pythonTrain from './python_train';
import batchPredict from './batch_predict';

export const dags: DagDefinition[] = [exampleEtl, mlRetrain, driftMonitor, scheduledRetrain, pythonTrain, batchPredict] as DagDefinition[];
