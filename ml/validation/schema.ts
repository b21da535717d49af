/**
 * The declared data schema (TFDV's Schema, as plain JSON): what each column must look like and
 * what the dataset as a whole must satisfy. It is a zod schema so a DAG can take it as a param
 * (validated when the run starts) and the validate activity re-checks it with defaults applied.
 *
 *   {
 *     "columns": {
 *       "price":    { "type": "number", "min": 0, "maxMissingFraction": 0.05 },
 *       "category": { "type": "string", "categories": ["a", "b"], "maxOutOfDomainFraction": 0.01 },
 *       "ts":       { "type": "timestamp", "min": "2020-01-01", "nullable": false },
 *       "id":       { "type": "number", "unique": true, "severity": "warning" }
 *     },
 *     "minRows": 1000, "maxRowCountChange": 0.5, "newColumns": "warning"
 *   }
 *
 * docs/data-validation.md describes every field and the anomaly each one produces.
 */
import { InputError } from '../../core/errors';
import { z } from 'zod';
import { COLUMN_TYPES, parseIsoTimestamp, type ColumnType } from '../frame/frame';

export const severity = z.enum(['error', 'warning']);
export type Severity = z.infer<typeof severity>;

const bound = z.union([z.number(), z.string()]);
const category = z.union([z.string(), z.number(), z.boolean()]);
const fraction = z.number().min(0).max(1);

export const columnSpec = z
  .object({
    type: z.enum(COLUMN_TYPES as [ColumnType, ...ColumnType[]]),
    /** Absent → a 'missing_column' anomaly. */
    required: z.boolean().default(true),
    /** false → any missing value is an anomaly (same as maxMissingFraction 0). */
    nullable: z.boolean().default(true),
    /** Largest allowed share of missing values, 0..1; unset = no limit (an all-missing column is still reported). */
    maxMissingFraction: fraction.optional(),
    /** Inclusive bounds: numbers for number columns; ISO-8601 strings or epoch ms for timestamp columns. */
    min: bound.optional(),
    max: bound.optional(),
    /** The allowed values (the domain); other values are 'out of domain'. */
    categories: z.array(category).min(1).optional(),
    /** Largest allowed share of non-missing values outside `categories`, 0..1. */
    maxOutOfDomainFraction: fraction.default(0),
    /** No value occurs twice (missing values are not compared). */
    unique: z.boolean().default(false),
    /** Overrides the severity of every anomaly of this column: 'error' fails the task, 'warning' does not. */
    severity: severity.optional(),
  })
  .strict();

export type ColumnSpec = z.infer<typeof columnSpec>;

export const dataSchema = z
  .object({
    columns: z.record(z.string(), columnSpec),
    /** Fewer rows (an empty partition is 0) → 'too_few_rows', always an error. */
    minRows: z.number().int().min(0).default(1),
    /** Largest allowed relative change of the row count vs the previous run's, e.g. 0.5 = ±50%; unset = not checked. */
    maxRowCountChange: z.number().positive().optional(),
    rowCountChangeSeverity: severity.default('error'),
    /** Columns present but not declared. */
    newColumns: z.enum(['error', 'warning', 'ignore']).default('warning'),
  })
  .strict()
  .superRefine((schema, ctx) => {
    for (const [name, spec] of Object.entries(schema.columns)) {
      for (const message of columnProblems(name, spec)) ctx.addIssue({ code: 'custom', path: ['columns', name], message });
    }
  });

/** The schema as the activity takes it (defaults not yet applied). */
export type DataSchemaInput = z.input<typeof dataSchema>;
/** The schema with defaults applied. */
export type DataSchema = z.infer<typeof dataSchema>;

/** A bound as a number: epoch ms for a timestamp given as ISO text. NaN when it is not one. */
export function boundValue(type: ColumnType, v: number | string): number {
  if (typeof v === 'number') return v;
  return type === 'timestamp' ? parseIsoTimestamp(v) : NaN;
}

function columnProblems(name: string, spec: ColumnSpec): string[] {
  const problems: string[] = [];
  const col = `column '${name}'`;
  if (spec.min !== undefined || spec.max !== undefined) {
    if (spec.type === 'string' || spec.type === 'boolean')
      problems.push(`${col}: min/max apply to number and timestamp columns, not ${spec.type}`);
    else {
      const what = spec.type === 'number' ? 'a number' : 'an ISO-8601 date/time or epoch milliseconds';
      for (const key of ['min', 'max'] as const) {
        const v = spec[key];
        if (v === undefined) continue;
        const n = boundValue(spec.type, v);
        if (!Number.isFinite(n)) problems.push(`${col}: ${key} must be ${what}, got ${JSON.stringify(v)}`);
      }
      if (spec.min !== undefined && spec.max !== undefined && boundValue(spec.type, spec.min) > boundValue(spec.type, spec.max)) {
        problems.push(`${col}: min ${JSON.stringify(spec.min)} is greater than max ${JSON.stringify(spec.max)}`);
      }
    }
  }
  if (spec.categories) {
    const wrong =
      spec.type === 'timestamp'
        ? spec.categories
        : spec.type === 'number'
          ? spec.categories.filter((c) => typeof c !== 'number' || !Number.isFinite(c))
          : spec.type === 'boolean'
            ? spec.categories.filter((c) => typeof c !== 'boolean')
            : [];
    if (spec.type === 'timestamp') problems.push(`${col}: categories apply to string, number and boolean columns, not timestamp`);
    else if (wrong.length > 0)
      problems.push(
        `${col}: categories of a ${spec.type} column must be ${spec.type}s, got ${wrong.map((c) => JSON.stringify(c)).join(', ')}`,
      );
  }
  if (!spec.nullable && spec.maxMissingFraction !== undefined && spec.maxMissingFraction > 0) {
    problems.push(`${col}: nullable false allows no missing value, but maxMissingFraction is ${spec.maxMissingFraction}`);
  }
  return problems;
}

/** Parse and check a schema (defaults applied); an InputError listing every problem with its path otherwise. */
export function parseDataSchema(input: unknown): DataSchema {
  const parsed = dataSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => {
    const path = i.path.map(String).join('.');
    // Custom issues already name the column; zod's own are prefixed with where they are.
    return i.code === 'custom' || path === '' ? i.message : `${path}: ${i.message}`;
  });
  throw new InputError(`invalid data schema: ${lines.join('; ')}`);
}
