/**
 * Every activity a DAG can name, by name. DAG files import only the *type* `Activities`
 * (workflow code must not load Node modules); the worker registers the values.
 */
import { buildSalesReport, distinctValues, generateSales, summarizeRegion } from './examples/sales';
import { noop } from './builtin/noop';
import { mlActivities } from './ml';

export const activities = {
  noop,
  generateSales,
  distinctValues,
  summarizeRegion,
  buildSalesReport,
  ...mlActivities,
};

export type Activities = typeof activities;
