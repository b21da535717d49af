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
import { getDoc, listKeys, putDoc } from '../documents';
import { validateKey } from './keys';
import type { ArtifactStore } from './types';

export interface ManifestArtifact {
  uri: string;
  bytes: number;
  sha256: string;
}

export interface RunIdentity {
  dagId: string;
  workflowId: string;
  runId: string;
  logicalDate: string;
  dataIntervalStart: string;
  dataIntervalEnd: string;
  params: unknown;
}

export interface TaskManifest {
  taskId: string;
  mapIndex?: number;
  attempt: number;
  status: 'success' | 'failed';
  error?: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  read: ManifestArtifact[];
  wrote: ManifestArtifact[];
}

export interface RunHeader extends RunIdentity {
  format: 'tideflow.run-manifest';
  code: { packageVersion: string; gitCommit?: string };
  createdAt: string;
}

export interface RunManifest extends RunHeader {
  startedAt: string;
  endedAt: string;
  tasks: TaskManifest[];
}

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
function manifestDir(s: ArtifactStore, dagId: string, workflowId: string): string {
  return `${validateKey(`${s.prefix}runs/${dagId}/${workflowId}/manifest`)}/`;
}
/** Shared with registry/lineage.ts: `~` cannot start a model name, so run markers never look like versions. */
export const datasetRunsDir = (s: ArtifactStore, sha256: string): string => `${s.prefix}registry/lineage/datasets/${sha256}/~runs/`;

/** Record one task attempt (and, the first time, the run header and the read-artifact index). */
export async function recordTask(s: ArtifactStore, run: RunIdentity, task: TaskManifest): Promise<void> {
  const dir = manifestDir(s, run.dagId, run.workflowId);
  const name = `${task.taskId}${task.mapIndex === undefined ? '' : `.${task.mapIndex}`}`;
  const header: RunHeader = { format: 'tideflow.run-manifest', ...run, code: codeVersion(), createdAt: task.startedAt };
  await Promise.all([
    putDoc(s, validateKey(`${dir}tasks/${name}.json`), task, {}),
    putDoc(s, `${dir}run.json`, header, { ifNoneMatch: true }), // 'conflict': an earlier task wrote it
    ...task.read.map((a) =>
      putDoc(
        s,
        `${datasetRunsDir(s, a.sha256)}${run.workflowId}/${name}`,
        { dagId: run.dagId, workflowId: run.workflowId, runId: run.runId, taskId: task.taskId },
        {},
      ),
    ),
  ]);
}

/** The whole manifest of one DAG run, or undefined when no task of it has finished yet. */
export async function readRunManifest(s: ArtifactStore, dagId: string, workflowId: string): Promise<RunManifest | undefined> {
  const dir = manifestDir(s, dagId, workflowId);
  const header = await getDoc<RunHeader>(s, `${dir}run.json`);
  if (!header) return undefined;
  const keys = await listKeys(s, `${dir}tasks/`);
  const tasks = (await Promise.all(keys.map((k) => getDoc<TaskManifest>(s, k)))).flatMap((d) => (d ? [d.value] : []));
  tasks.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.taskId.localeCompare(b.taskId));
  const startedAt = tasks.map((t) => t.startedAt).sort()[0] ?? header.value.createdAt;
  const endedAt =
    tasks
      .map((t) => t.endedAt)
      .sort()
      .pop() ?? header.value.createdAt;
  return { ...header.value, startedAt, endedAt, tasks };
}
