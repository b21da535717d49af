/**
 * Partition pruning for lookback windows: only the daily partitions that overlap the run's window
 * are listed and read; every other partition is skipped by its name, before any object is fetched.
 *
 * Two layouts, for s3:// and local folders:
 *  - a templated source: the first path segment holding {{ds}} or {{ds_nodash}} names the partition
 *    (`s3://lake/events/dt={{ds}}/`, `/data/{{ds_nodash}}/part.csv`, `s3://lake/{{ds}}.csv`): the
 *    folder above it is listed one level deep, names matching the segment give the dates, and the
 *    source is rendered once per kept date (a trailing '/' then reads that folder's files);
 *  - a folder source with Hive-style children (`s3://lake/events/` holding `dt=2024-01-01/`…,
 *    key name `partition`, default 'dt'): the children in the window are read, whole.
 * Dates are UTC days; a day is kept when it overlaps [start, end).
 */
import { readdir } from 'node:fs/promises';
import { ListObjectsV2Command, NoSuchBucket } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { renderTemplate, type TemplateScope } from '../../core/template';
import { dayOverlaps, partitionDayMs, type IntervalMs } from '../../ml/frame/relative-time';
import { listSourceFiles } from './source';
import { confinedLocalPath } from './local-files';
import type { ArtifactStore } from './store';

export interface PrunedFiles {
  files: string[];
  /** Partition dates read, and the number of partitions skipped by name. */
  partitions: string[];
  skipped: number;
}

const DATE_PLACEHOLDER = /\{\{\s*(ds|ds_nodash)\s*\}\}/;
const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The names one level below a folder (s3:// prefix or local directory): sub-folders without their '/', and files. */
async function listChildren(folder: string, store: ArtifactStore): Promise<string[]> {
  if (folder.startsWith('s3://')) {
    const m = /^s3:\/\/([^/]+)\/(.*)$/.exec(folder);
    if (!m?.[1]) throw ApplicationFailure.nonRetryable(`not an s3:// folder: ${folder}`, 'SourceNotFound');
    const [bucket, prefix] = [m[1], m[2] ?? ''];
    const names: string[] = [];
    let token: string | undefined;
    do {
      const res = await store.s3
        .send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', ContinuationToken: token }))
        .catch((err: unknown) => {
          if (err instanceof NoSuchBucket)
            throw ApplicationFailure.nonRetryable(`cannot list ${folder}: no bucket '${bucket}'`, 'SourceNotFound');
          throw err;
        });
      for (const p of res.CommonPrefixes ?? []) if (p.Prefix) names.push(p.Prefix.slice(prefix.length, -1));
      for (const o of res.Contents ?? []) if (o.Key && !o.Key.endsWith('/')) names.push(o.Key.slice(prefix.length));
      token = res.IsTruncated ? res.NextContinuationToken : undefined;
    } while (token !== undefined);
    return names;
  }
  if (/^https?:\/\//i.test(folder) || folder.startsWith('npm:'))
    throw ApplicationFailure.nonRetryable(`cannot list ${folder}: windows over partitions need an s3:// or local source`, 'SourceNotFound');
  const dir = await confinedLocalPath(folder);
  try {
    return (await readdir(dir, { withFileTypes: true })).map((e) => e.name);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw ApplicationFailure.nonRetryable(`${folder} does not exist`, 'EmptyPartition');
    throw err;
  }
}

function keepDates(names: readonly string[], pattern: RegExp, window: IntervalMs): { kept: Map<string, number>; skipped: number } {
  const kept = new Map<string, number>();
  let skipped = 0;
  for (const name of names) {
    const m = pattern.exec(name);
    const day = m?.[1] !== undefined ? partitionDayMs(m[1]) : NaN;
    if (Number.isNaN(day)) continue;
    if (dayOverlaps(day, window)) kept.set(name, day);
    else skipped++;
  }
  return { kept, skipped };
}

function emptyWindow(where: string, window: IntervalMs, skipped: number): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `no partition of ${where} falls in the window [${new Date(window.startMs).toISOString()}, ${new Date(window.endMs).toISOString()}) (${skipped} partition(s) outside it)`,
    'EmptyPartition',
  );
}

/**
 * The files of the partitions inside `window`. `template` is the source as written (before
 * rendering); `scope` renders its other placeholders. `partitionKey` names Hive-style children of
 * a folder source. Returns null when the source has no partitions to prune (a plain file, or a
 * folder without `<key>=<date>` children): the caller reads it whole and filters rows.
 */
export async function listWindowFiles(
  template: string,
  scope: TemplateScope,
  window: IntervalMs,
  partitionKey: string,
  store: ArtifactStore,
): Promise<PrunedFiles | null> {
  const match = DATE_PLACEHOLDER.exec(template);
  if (match) {
    const segStart = template.lastIndexOf('/', match.index) + 1;
    const slash = template.indexOf('/', match.index);
    const segEnd = slash < 0 ? template.length : slash;
    const folder = renderTemplate(template.slice(0, segStart), scope, 'source');
    const segment = template.slice(segStart, segEnd);
    // The segment as a pattern: its date placeholder captures the date; other placeholders render first.
    const [before, after] = [segment.slice(0, match.index - segStart), segment.slice(match.index - segStart + match[0].length)];
    const datePattern = match[1] === 'ds' ? '(\\d{4}-\\d{2}-\\d{2})' : '(\\d{8})';
    const pattern = new RegExp(
      `^${escapeRegex(renderTemplate(before, scope, 'source'))}${datePattern}${escapeRegex(renderTemplate(after, scope, 'source'))}$`,
    );
    const { kept, skipped } = keepDates(await listChildren(folder, store), pattern, window);
    if (kept.size === 0) throw emptyWindow(`${folder}${segment}`, window, skipped);
    const files: string[] = [];
    const days = [...kept.values()].sort((a, b) => a - b);
    for (const day of days) {
      const ds = isoDay(day);
      const dayScope: TemplateScope = { ...scope, builtins: { ...scope.builtins, ds, ds_nodash: ds.replace(/-/g, '') } };
      files.push(...(await listSourceFiles(renderTemplate(template, dayScope, 'source'), store)));
    }
    return { files, partitions: days.map(isoDay), skipped };
  }
  const source = renderTemplate(template, scope, 'source');
  if (!source.endsWith('/')) return null;
  const pattern = new RegExp(`^${escapeRegex(partitionKey)}=(\\d{4}-\\d{2}-\\d{2}|\\d{8})$`);
  const children = await listChildren(source, store);
  if (!children.some((n) => pattern.test(n))) return null;
  const { kept, skipped } = keepDates(children, pattern, window);
  if (kept.size === 0) throw emptyWindow(source, window, skipped);
  const entries = [...kept.entries()].sort((a, b) => a[1] - b[1]);
  const files: string[] = [];
  for (const [name] of entries) files.push(...(await listSourceFiles(`${source}${name}/`, store)));
  return { files, partitions: entries.map(([, day]) => isoDay(day)), skipped };
}
