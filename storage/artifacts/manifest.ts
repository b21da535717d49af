/**
 * Run manifests: what each DAG run read and wrote. Every task attempt writes its own entry
 * (`manifest/tasks/<task>.json`, so parallel tasks never contend for one object) and the
 * first one also the run's header (`manifest/run.json`, created once with If-None-Match);
 * readRunManifest assembles them. Each artifact a task read is also indexed by checksum,
 * so lineage can answer "which runs used this dataset" without scanning every run.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { defineArtifact, type ArtifactOf } from '../../core/artifact-format';
import { ArtifactError } from '../../core/errors';
import { getDoc, listKeys, putDoc } from '../documents';
import { markRun } from '../run-dates';
import { validateKey } from './keys';
import { artifactRefSchema, type ArtifactStore } from './types';

/** Who the run was: the same for every task of it. */
const runIdentity = {
  dagId: z.string(),
  workflowId: z.string(),
  runId: z.string(),
  logicalDate: z.string(),
  dataIntervalStart: z.string(),
  dataIntervalEnd: z.string(),
  params: z.unknown(),
};
export type RunIdentity = z.infer<z.ZodObject<typeof runIdentity>>;

/** One task attempt (`manifest/tasks/<task>.json`). */
export const taskManifestSchema = z.object({
  taskId: z.string(),
  mapIndex: z.number().optional(),
  attempt: z.number(),
  status: z.enum(['success', 'failed']),
  error: z.string().optional(),
  startedAt: z.string(),
  endedAt: z.string(),
  durationMs: z.number(),
  read: z.array(artifactRefSchema),
  wrote: z.array(artifactRefSchema),
  /** Not computed by this run: taken from an earlier one (a step-cache hit, or reused by a retry). */
  cached: z.object({ via: z.enum(['cache', 'retry']), workflowId: z.string(), runId: z.string() }).optional(),
});
export type TaskManifest = z.infer<typeof taskManifestSchema>;

/** The run header (`manifest/run.json`): the one declaration of the tideflow.run-manifest format. */
export const runManifestHeader = defineArtifact('tideflow.run-manifest', 1, {
  ...runIdentity,
  code: z.object({ packageVersion: z.string(), gitCommit: z.string().optional() }),
  createdAt: z.string(),
});
export type RunHeader = ArtifactOf<typeof runManifestHeader>;

/** The whole manifest as readRunManifest assembles it. */
export type RunManifest = RunHeader & {
  startedAt: string;
  endedAt: string;
  tasks: TaskManifest[];
  /** Set when the run re-ran an earlier one from its failure (storage/artifacts/retry-lineage.ts). */
  retryOf?: { workflowId: string; runId: string };
};

let code: RunHeader['code'] | undefined;
/** Package version and git commit of the code this worker runs, looked up once. */
export function codeVersion(): RunHeader['code'] {
  if (code) return code;
  const root = join(__dirname, '..', '..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string };
  let gitCommit = process.env.TIDEFLOW_GIT_COMMIT;
  if (gitCommit === undefined) {
    try {
      gitCommit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, timeout: 2000, stdio: ['ignore', 'pipe', 'ignore'] })
        .toString()
        .trim();
    } catch {
      // Not a git checkout (a container image): the package version is all we know.
    }
  }
  code = { packageVersion: pkg.version ?? 'unknown', ...(gitCommit && { gitCommit }) };
  return code;
}

/** `<prefix>runs/<dagId>/<workflowId>/manifest/`, next to the run's other artifacts; ids are checked as key segments. */
export function manifestDir(s: ArtifactStore, dagId: string, workflowId: string): string {
  return `${validateKey(`${s.prefix}runs/${dagId}/${workflowId}/manifest`)}/`;
}
/** Shared with registry/lineage.ts: `~` cannot start a model name, so run markers never look like versions. */
export const datasetRunsDir = (s: ArtifactStore, sha256: string): string => `${s.prefix}registry/lineage/datasets/${sha256}/~runs/`;

/**
 * Runs whose header and 'started' marker this process has already written: the run's later tasks
 * skip those two writes (the same content every time; an S3 PUT is the slow part of a cache hit).
 * Bounded: a long-lived worker forgets its oldest runs, which then only cost the writes again.
 */
const runsRecorded = new Set<string>();
const MAX_RUNS_RECORDED = 1000;

/** Record one task attempt (and, the first time, the run header and the read-artifact index). */
export async function recordTask(s: ArtifactStore, run: RunIdentity, task: TaskManifest): Promise<void> {
  const dir = manifestDir(s, run.dagId, run.workflowId);
  const runKey = `${s.bucket}/${dir}${run.runId}`;
  const known = runsRecorded.has(runKey);
  const name = `${task.taskId}${task.mapIndex === undefined ? '' : `.${task.mapIndex}`}`;
  const header: RunHeader = {
    format: runManifestHeader.format,
    version: runManifestHeader.version,
    ...run,
    code: codeVersion(),
    createdAt: task.startedAt,
  };
  await Promise.all([
    putDoc(s, validateKey(`${dir}tasks/${name}.json`), task, {}),
    ...(known
      ? []
      : [
          putDoc(s, `${dir}run.json`, header, { ifNoneMatch: true }), // 'conflict': an earlier task wrote it
          markRun(s, run, 'started'), // the run's date is known to have run, whatever Temporal's retention
        ]),
    ...task.read.map((a) =>
      putDoc(
        s,
        `${datasetRunsDir(s, a.sha256)}${run.workflowId}/${name}`,
        { dagId: run.dagId, workflowId: run.workflowId, runId: run.runId, taskId: task.taskId },
        {},
      ),
    ),
  ]);
  if (!known) {
    runsRecorded.add(runKey);
    if (runsRecorded.size > MAX_RUNS_RECORDED) runsRecorded.delete(runsRecorded.values().next().value as string);
  }
}

/** The whole manifest of one DAG run, or undefined when no task of it has finished yet. */
export async function readRunManifest(s: ArtifactStore, dagId: string, workflowId: string): Promise<RunManifest | undefined> {
  const dir = manifestDir(s, dagId, workflowId);
  const doc = await getDoc<unknown>(s, `${dir}run.json`);
  if (!doc) return undefined;
  const header = { value: runManifestHeader.parse(doc.value, `${dir}run.json`) };
  const keys = await listKeys(s, `${dir}tasks/`);
  const docs = await Promise.all(keys.map(async (k) => ({ k, d: await getDoc<unknown>(s, k) })));
  const tasks = docs.flatMap(({ k, d }) => {
    if (!d) return [];
    const parsed = taskManifestSchema.safeParse(d.value);
    if (!parsed.success) throw new ArtifactError(`${k} is not a task manifest: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return [parsed.data];
  });
  tasks.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.taskId.localeCompare(b.taskId));
  const startedAt = tasks.map((t) => t.startedAt).sort()[0] ?? header.value.createdAt;
  const endedAt =
    tasks
      .map((t) => t.endedAt)
      .sort()
      .pop() ?? header.value.createdAt;
  const retry = await getDoc<{ retryOf?: { workflowId: string; runId: string } }>(s, `${dir}retry-of.json`);
  return { ...header.value, startedAt, endedAt, tasks, ...(retry?.value.retryOf && { retryOf: retry.value.retryOf }) };
}
