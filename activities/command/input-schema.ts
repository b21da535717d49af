/**
 * The command step's input as one zod schema: the input comes from a DAG (typed) but also from
 * the Web UI or JSON, so it is checked at run time, and `CommandInput` is its z.infer. Every
 * problem is reported at once, each naming its field.
 */
import { isAbsolute } from 'node:path';
import { z } from 'zod';

export const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Variables Tideflow sets for the process; `env` and `envFromWorker` may not override them. */
export const RESERVED_ENV = [
  'TIDEFLOW_DAG_ID',
  'TIDEFLOW_TASK_ID',
  'TIDEFLOW_RUN_ID',
  'TIDEFLOW_TEMPORAL_RUN_ID',
  'TIDEFLOW_LOGICAL_DATE',
  'TIDEFLOW_DS',
  'TIDEFLOW_DATA_INTERVAL_START',
  'TIDEFLOW_DATA_INTERVAL_END',
  'TIDEFLOW_ATTEMPT',
  'TIDEFLOW_MAP_INDEX',
  'TIDEFLOW_PARAMS',
  'TIDEFLOW_OUTPUT_FILE',
  'TIDEFLOW_WORK_DIR',
] as const;
const reserved = (name: string): boolean => (RESERVED_ENV as readonly string[]).includes(name);
const MAX_SECONDS = 7 * 24 * 3600;

const seconds = (field: string, min: number) =>
  z
    .number({ error: (i) => `${field} must be a number of seconds in [${min}, ${MAX_SECONDS}], got ${JSON.stringify(i.input)}` })
    .refine((v) => Number.isFinite(v) && v >= min && v <= MAX_SECONDS, {
      error: (i) => `${field} must be a number of seconds in [${min}, ${MAX_SECONDS}], got ${JSON.stringify(i.input)}`,
    });

/** A relative file name inside the outputs directory: no traversal, no absolute path. */
function outputFileProblem(file: string): string | undefined {
  if (file === '') return 'must be a non-empty relative file name';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(file)) return 'contains control characters';
  if (isAbsolute(file) || file.includes('\\')) return `${JSON.stringify(file)} must be relative, with '/' between segments`;
  if (file.split('/').some((s) => s === '' || s === '.' || s === '..')) return `${JSON.stringify(file)} has an empty, '.' or '..' segment`;
  return undefined;
}

const S3_URI = /^s3:\/\/[^/]+\/.+/;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const entries = (v: unknown): [string, unknown][] => (isRecord(v) ? Object.entries(v) : []);

/** An input to stage: a bare s3:// URI, or a reference whose size and checksum are verified on download. */
const inputSourceSchema = z.union(
  [
    z.string(),
    z.object({
      uri: z.string(),
      bytes: z.number().optional(),
      sha256: z.string().optional(),
    }),
  ],
  { error: 'must be an s3://bucket/key URI or {uri, bytes, sha256}' },
);
export type CommandInputSource = z.infer<typeof inputSourceSchema>;

export const commandInputSchema = z
  .strictObject({
    /** The executable: a name looked up on PATH, or a path (relative paths resolve against `cwd`). Templated. */
    command: z.string({ error: 'command must be a non-empty string' }),
    /** Arguments, passed as argv (no shell, so nothing is ever interpreted). Each is templated. */
    args: z.array(z.string({ error: 'args must be an array of strings' }), { error: 'args must be an array of strings' }).optional(),
    /**
     * Objects downloaded to a private directory before the process starts; `{{inputs.<name>}}` is
     * the local path. Names: letters, digits, `_`, `-`.
     */
    inputs: z
      .record(z.string(), inputSourceSchema, { error: 'inputs must be an object of name → s3:// URI or {uri, bytes, sha256}' })
      .optional(),
    /**
     * Files the process must write, by name → relative file name; `{{outputs.<name>}}` is the
     * local path. Uploaded after a 0 exit under the run's prefix and returned as references.
     */
    outputs: z.record(z.string(), z.string(), { error: 'outputs must be an object of name → relative file name' }).optional(),
    /** Values for `{{vars.<path>}}`, typically upstream outputs (an artifact URI, a count…). Not secret. */
    vars: z.record(z.string(), z.unknown(), { error: 'vars must be an object' }).optional(),
    /** Extra environment variables (values templated). Recorded in history: never put a secret here. */
    env: z.record(z.string(), z.string({ error: 'must be a string' }), { error: 'env must be an object of name → string' }).optional(),
    /** Names of the worker's environment variables to pass through: the way to hand over secrets. */
    envFromWorker: z
      .array(z.string({ error: 'envFromWorker must be an array of variable names' }), {
        error: 'envFromWorker must be an array of variable names',
      })
      .optional(),
    /** Working directory; relative paths resolve against the project root. Default: the project root. */
    cwd: z.string({ error: 'cwd must be a non-empty path' }).optional(),
    /** Kill the process (group) after this many seconds; independent of Temporal's startToCloseTimeout. */
    timeoutSeconds: seconds('timeoutSeconds', 0.001).optional(),
    /** Seconds between SIGTERM and SIGKILL when the process is stopped. Default 5. */
    killGraceSeconds: seconds('killGraceSeconds', 0).optional(),
    /** Seconds between heartbeats while the process runs. Default 1 (the SDK throttles what it sends). */
    heartbeatSeconds: seconds('heartbeatSeconds', 0.05).optional(),
  })
  // Naming and cross-field rules. They run even when a field has the wrong type (`when`), so every
  // problem is reported at once; each looks only at the fields whose shape is right.
  .superRefine(
    (raw, ctx) => {
      const input = raw as Partial<Record<keyof typeof raw, unknown>>;
      const problem = (message: string): void => ctx.addIssue({ code: 'custom', message });
      const { command } = input;
      if (typeof command === 'string') {
        if (command.trim() === '') problem('command must be a non-empty string');
        else if (command.includes('\0')) problem('command contains a NUL byte');
        else if (command !== command.trim() || (/\s/.test(command) && !command.includes('/')))
          problem(
            `command ${JSON.stringify(command)} contains whitespace: put the executable in command and each argument in args (no shell is used)`,
          );
      }
      if (Array.isArray(input.args) && input.args.some((a) => typeof a === 'string' && a.includes('\0')))
        problem('args contains a NUL byte');
      for (const [name, src] of entries(input.inputs)) {
        if (!NAME.test(name)) problem(`inputs name ${JSON.stringify(name)} must match ${NAME.source}`);
        const ref = isRecord(src) ? src : {};
        const uri = typeof src === 'string' ? src : ref['uri'];
        if ((typeof src === 'string' || isRecord(src)) && (typeof uri !== 'string' || !S3_URI.test(uri)))
          problem(`inputs.${name} must be an s3://bucket/key URI or {uri, bytes, sha256}, got ${JSON.stringify(src)}`);
        if (ref['sha256'] !== undefined && !(typeof ref['sha256'] === 'string' && /^[0-9a-f]{64}$/.test(ref['sha256'])))
          problem(`inputs.${name}.sha256 must be 64 lowercase hex digits`);
        if (ref['bytes'] !== undefined && !(Number.isInteger(ref['bytes']) && (ref['bytes'] as number) >= 0))
          problem(`inputs.${name}.bytes must be a non-negative integer`);
      }
      const files = new Set<string>();
      for (const [name, file] of entries(input.outputs)) {
        if (!NAME.test(name)) problem(`outputs name ${JSON.stringify(name)} must match ${NAME.source}`);
        if (typeof file !== 'string') continue;
        const p = outputFileProblem(file);
        if (p) problem(`outputs.${name}: ${p}`);
        else if (files.has(file)) problem(`outputs.${name}: file ${JSON.stringify(file)} is declared twice`);
        files.add(file);
      }
      for (const [k, v] of entries(input.env)) {
        if (!ENV_NAME.test(k)) problem(`env name ${JSON.stringify(k)} must match ${ENV_NAME.source}`);
        else if (reserved(k)) problem(`env.${k} is set by Tideflow and cannot be overridden`);
        if (typeof v === 'string' && v.includes('\0')) problem(`env.${k} contains a NUL byte`);
      }
      for (const n of Array.isArray(input.envFromWorker) ? input.envFromWorker : []) {
        if (typeof n !== 'string') continue;
        if (!ENV_NAME.test(n)) problem(`envFromWorker name ${JSON.stringify(n)} must match ${ENV_NAME.source}`);
        else if (reserved(n)) problem(`envFromWorker: ${n} is set by Tideflow and cannot be passed through`);
        if (isRecord(input.env) && Object.prototype.hasOwnProperty.call(input.env, n)) problem(`${n} is in both env and envFromWorker`);
      }
      if (typeof input.cwd === 'string' && (input.cwd === '' || input.cwd.includes('\0'))) problem('cwd must be a non-empty path');
    },
    { when: (payload) => isRecord(payload.value) },
  );

/** The command step's input as a DAG writes it. */
export type CommandInput = z.infer<typeof commandInputSchema>;

/** Each problem once, naming its field: messages that start with their field's name stand alone, others get their path in front. */
export function commandInputProblems(error: z.ZodError): string[] {
  const lines = error.issues.map((i) =>
    i.path.length === 0 || i.message.startsWith(String(i.path[0])) ? i.message : `${i.path.join('.')}: ${i.message}`,
  );
  return [...new Set(lines)];
}
