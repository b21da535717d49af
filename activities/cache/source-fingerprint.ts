/**
 * The content an ingest reads, for its cache key: the sha256 of every source file it would read
 * (the run's slice: templates rendered, partition folders listed, a lookback window pruned), and
 * the run's dates when the source or a timestamp filter depends on them. The same URI with new
 * content is a new key: a stale hit on changed data is the failure step caches are known for.
 */
import { renderTemplate, runTemplateVars } from '../../core/template';
import { lookbackWindow } from '../../ml/frame/relative-time';
import { sha256Hex } from '../../storage/artifacts/objects';
import type { TaskContext } from '../context';
import type { IngestInput } from '../ml/ingest-data';
import { listWindowFiles } from '../ml/partitions';
import { listSourceFiles, readSource } from '../ml/source';

export async function sourceFingerprint(input: IngestInput, ctx: TaskContext): Promise<unknown> {
  const s = ctx.store;
  const scope = runTemplateVars(ctx);
  const source = renderTemplate(input.source, scope, 'source');
  const start = input.interval?.start ?? ctx.dataIntervalStart;
  const end = input.interval?.end ?? ctx.dataIntervalEnd;
  let files: string[] | undefined;
  if (input.window) {
    const windowMs = lookbackWindow(input.window.lookback, { startMs: Date.parse(start), endMs: Date.parse(end) });
    files = (await listWindowFiles(input.source, scope, windowMs, input.window.partition ?? 'dt', s))?.files;
  }
  files ??= await listSourceFiles(source, s);
  const contents = [];
  for (const file of files) {
    ctx.heartbeat({ phase: 'cache key: hashing source', file });
    contents.push({ file, sha256: sha256Hex((await readSource(file, s, ctx.signal)).bytes) });
  }
  const dated = input.window !== undefined || input.timestampColumn !== undefined;
  return { source, files: contents, ...(dated && { interval: { start, end } }) };
}
