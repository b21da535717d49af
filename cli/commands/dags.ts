/**
 * `tideflow dags list` and `tideflow dags validate`: read the DAG definitions in dags/.
 * Neither needs a Temporal server: they only load code.
 */
import { loadDags } from '../../core/load';
import { DagValidationError } from '../../core/validate';
import { dags } from '../../dags';
import { flagOption } from '../args';
import type { Command } from '../command';
import { CliError } from '../errors';
import { formatDagList, summarizeDag } from '../format-dags';
import { printJson } from '../io';

export const dagsList: Command = {
  name: 'dags list',
  summary: 'List the DAGs with their schedule, tasks and dependencies',
  options: {
    json: { type: 'boolean', description: "print the DAGs as JSON (with each DAG's params JSON Schema)" },
  },
  examples: ['tideflow dags list', 'tideflow dags list --json | jq ".[].id"'],
  async run(args, io) {
    const summaries = dags.map(summarizeDag);
    if (flagOption(args, 'json')) printJson(io, summaries);
    else io.stdout.write(formatDagList(summaries));
    return 0;
  },
};

export const dagsValidate: Command = {
  name: 'dags validate',
  summary: 'Check every DAG (structure, activities, schedules) without running anything',
  options: {},
  examples: ['tideflow dags validate'],
  async run(_args, io) {
    // Loaded here, not at the top: the other commands have no use for activity code, whose
    // dependencies (AWS SDK, ML libraries) are slow to load and need not exist where the CLI runs.
    const { activities } = await import('../../activities');
    const { HEARTBEATING_ACTIVITIES } = await import('../../activities/long-running');
    const { UNCACHEABLE_ACTIVITIES } = await import('../../activities/cache/policy');
    try {
      const uncacheableActivities = UNCACHEABLE_ACTIVITIES;
      loadDags(dags, {
        activityNames: new Set(Object.keys(activities)),
        heartbeatingActivities: HEARTBEATING_ACTIVITIES,
        uncacheableActivities,
      });
    } catch (err) {
      if (err instanceof DagValidationError) throw new CliError(err.message);
      throw err;
    }
    io.stdout.write(`${dags.length} DAG(s) valid: ${dags.map((d) => d.id).join(', ')}\n`);
    return 0;
  },
};
