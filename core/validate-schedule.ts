/**
 * Schedule checks (cron + timezone + dates). Kept apart from ./validate.ts so that workflow
 * code, which never needs them, does not bundle the cron parser.
 */
import { CronExpressionParser } from 'cron-parser';
import { isValidTimezone } from './dates';
import type { DagDefinition } from './model';
import type { DagProblem } from './validate';

export const CRON_PRESETS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'] as const;

/** Problems with a cron expression, or null when it is valid. Five fields or a preset only. */
export function cronProblem(cron: string, timezone = 'UTC'): string | null {
  if (typeof cron !== 'string' || cron.trim() === '') return 'cron must be a non-empty string';
  const trimmed = cron.trim();
  if (trimmed.startsWith('@')) {
    return (CRON_PRESETS as readonly string[]).includes(trimmed)
      ? null
      : `unknown cron preset '${trimmed}' (one of ${CRON_PRESETS.join(', ')})`;
  }
  const fields = trimmed.split(/\s+/).length;
  if (fields !== 5) return `cron '${trimmed}' has ${fields} field(s); expected 5 (minute hour day-of-month month day-of-week)`;
  try {
    CronExpressionParser.parse(trimmed, { tz: timezone });
    return null;
  } catch (err) {
    return `invalid cron '${trimmed}': ${err instanceof Error ? err.message : String(err)}`;
  }
}

function isIsoDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value) && !Number.isNaN(Date.parse(value));
}

export function scheduleProblems(dag: DagDefinition): DagProblem[] {
  const s = dag.schedule;
  if (s === undefined) return [];
  const problems: DagProblem[] = [];
  const report = (message: string) => problems.push({ dagId: dag.id, message: `schedule: ${message}` });
  const tz = s.timezone ?? 'UTC';
  if (!isValidTimezone(tz)) report(`unknown IANA timezone '${tz}' (e.g. 'UTC', 'Europe/Paris')`);
  else {
    const problem = cronProblem(s.cron, tz);
    if (problem) report(problem);
  }
  for (const key of ['startDate', 'endDate'] as const) {
    const v = s[key];
    if (v !== undefined && !isIsoDate(v)) report(`${key} must be an ISO-8601 date, got ${JSON.stringify(v)}`);
  }
  if (s.startDate && s.endDate && isIsoDate(s.startDate) && isIsoDate(s.endDate) && Date.parse(s.startDate) > Date.parse(s.endDate)) {
    report(`startDate ${s.startDate} is after endDate ${s.endDate}`);
  }
  return problems;
}
