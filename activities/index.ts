/**
 * Every activity a DAG can name, by name. DAG files import only the *type* `Activities`
 * (workflow code must not load Node modules); the worker registers the values.
 */
import { buildSalesReport, distinctValues, generateSales, summarizeRegion } from './examples/sales';
import { noop } from './builtin/noop';
import { driftActivities } from './drift/monitor';
import { scheduledRetrainRequest } from './drift/schedule';
import { mlActivities } from './ml';
import { commandActivities } from './command';
import { registryActivities } from './registry';
import { recordingRunManifests } from './record-run';

// Every task attempt is recorded in its run's manifest (artifacts read and written, timings).
export const activities = recordingRunManifests({
  noop,
  generateSales,
  distinctValues,
  summarizeRegion,
  buildSalesReport,
  ...mlActivities,
  ...registryActivities,
  ...driftActivities,
  ...commandActivities,
  scheduledRetrainRequest,
});

export type Activities = typeof activities;
