/**
 * Describe DAG definitions: as plain data (what `dags list --json` prints) and as text for
 * people. The text is rendered from the data, so the two can never disagree.
 */
import { z } from 'zod';
import { ENGINE_DEFAULTS, type DagDefinition, type ScheduleSpec } from '../core/model';
import type { TriggerRule } from '../core/trigger-rules';
import { table } from './format';

export interface TaskSummary {
  id: string;
  upstream: string[];
  /** null for an empty task (a join or branch point settled in the workflow). */
  activity: string | null;
  triggerRule: TriggerRule;
  /** The upstream whose list output this task fans out over. */
  mapsOver?: string;
  maxParallel?: number;
  branch: boolean;
  shortCircuit: boolean;
  description?: string;
}

export interface DagSummary {
  id: string;
  description: string | null;
  tags: string[];
  schedule: ScheduleSpec | null;
  maxActiveTasks: number;
  taskCount: number;
  /** JSON Schema of the params as a trigger sends them (defaulted fields optional). */
  paramsSchema: Record<string, unknown> | null;
  /** Why the schema is missing or partial, e.g. a z.date() field has no JSON Schema form. */
  paramsSchemaNote?: string;
  tasks: TaskSummary[];
}

/**
 * `io: 'input'` describes what a caller may send (defaults make fields optional). A schema
 * with unrepresentable parts (dates, transforms' outputs) is retried leniently, with a note,
 * so one odd field never hides the rest of the listing.
 */
export function paramsJsonSchema(schema: z.ZodType): Pick<DagSummary, 'paramsSchema' | 'paramsSchemaNote'> {
  try {
    return { paramsSchema: z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown> };
  } catch (strictErr) {
    const reason = strictErr instanceof Error ? strictErr.message : String(strictErr);
    try {
      const lenient = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
      return { paramsSchema: lenient, paramsSchemaNote: `partial: ${reason}; such fields accept any value here` };
    } catch (err) {
      return {
        paramsSchema: null,
        paramsSchemaNote: `cannot be expressed as JSON Schema: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
  }
}

export function summarizeDag(dag: DagDefinition): DagSummary {
  const defaultRule = dag.defaults.triggerRule ?? ENGINE_DEFAULTS.triggerRule;
  const tasks = dag.tasks.map((t): TaskSummary => ({
    id: t.id,
    upstream: [...t.upstream],
    activity: t.activity ?? null,
    triggerRule: t.triggerRule ?? defaultRule,
    ...(t.expand && { mapsOver: t.expand.from }),
    ...(t.expand?.maxParallel !== undefined && { maxParallel: t.expand.maxParallel }),
    branch: t.branch !== undefined,
    shortCircuit: t.shortCircuit !== undefined,
    ...(t.description !== undefined && { description: t.description }),
  }));
  return {
    id: dag.id,
    description: dag.description ?? null,
    tags: [...dag.tags],
    schedule: dag.schedule ?? null,
    maxActiveTasks: dag.maxActiveTasks,
    taskCount: dag.tasks.length,
    ...paramsJsonSchema(dag.params),
    tasks,
  };
}

export function formatSchedule(schedule: ScheduleSpec | null): string {
  if (!schedule) return 'none';
  const extras = [
    schedule.catchup ? 'catchup' : '',
    schedule.startDate ? `from ${schedule.startDate}` : '',
    schedule.endDate ? `until ${schedule.endDate}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return `${schedule.cron} (${schedule.timezone ?? 'UTC'}${extras ? `; ${extras}` : ''})`;
}

/** The notes column: what is special about a task, in the words DAG authors use. */
export function taskNotes(t: TaskSummary): string {
  const notes: string[] = [];
  if (t.mapsOver !== undefined)
    notes.push(`maps over ${t.mapsOver}${t.maxParallel !== undefined ? ` (max ${t.maxParallel} parallel)` : ''}`);
  if (t.branch) notes.push('branch');
  if (t.shortCircuit) notes.push('short-circuit');
  if (t.triggerRule !== ENGINE_DEFAULTS.triggerRule) notes.push(`trigger: ${t.triggerRule}`);
  return notes.join('; ');
}

export function formatDagSummary(d: DagSummary): string {
  const title = d.description ? `${d.id} — ${d.description}` : d.id;
  const facts = [
    `tags: ${d.tags.length > 0 ? d.tags.join(', ') : 'none'}`,
    `schedule: ${formatSchedule(d.schedule)}`,
    `${d.taskCount} task${d.taskCount === 1 ? '' : 's'}`,
    `max ${d.maxActiveTasks} active`,
  ];
  const rows = d.tasks.map((t) => [t.id, t.upstream.length > 0 ? t.upstream.join(', ') : '-', t.activity ?? '(empty)', taskNotes(t)]);
  return `${title}\n  ${facts.join(' · ')}\n${table(['TASK', 'UPSTREAM', 'ACTIVITY', 'NOTES'], rows, { indent: '  ' })}`;
}

export function formatDagList(summaries: readonly DagSummary[]): string {
  if (summaries.length === 0) return 'No DAGs defined (add one to dags/index.ts).\n';
  return summaries.map(formatDagSummary).join('\n');
}
