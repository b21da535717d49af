/**
 * `tideflow predictions label <model> <file>`: labels that arrived after the predictions (a CSV,
 * JSON, JSON Lines, Parquet or Arrow file with `request_id`, the label column and optionally
 * `row_index`) are joined to the model's prediction log by request id; for every log file with
 * labelled rows a `.labels.arrow` file is written next to it (replacing an earlier one: run it with
 * every label known so far). `tideflow predictions list <model>` shows the log files.
 */
import { readFile } from 'node:fs/promises';
import type { ArtifactStore } from '../../registry';
import { positional, stringOption, MODEL_POSITIONAL } from '../args';
import type { Command } from '../command';
import { cliConfig } from '../config';
import { CliError, EXIT, usageError } from '../errors';
import { table } from '../format';
import type { Io } from '../io';

async function open(io: Io): Promise<ArtifactStore> {
  const config = cliConfig(io.env);
  const { createS3Client } = await import('../../storage/s3-client');
  return { s3: createS3Client(config.s3), bucket: config.s3.bucket, prefix: config.s3.prefix };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The model's log files, optionally only partitions dt=from … dt=to (inclusive). */
async function logFiles(store: ArtifactStore, model: string, from?: string, to?: string): Promise<string[]> {
  const [{ listKeys }, layout] = await Promise.all([import('../../storage/documents'), import('../../ml/predict/log-layout')]);
  const keys = await listKeys(store, layout.predictionsRoot(store.prefix, model));
  return keys.filter((k) => {
    if (!layout.isLogFile(k)) return false;
    const day = /\/dt=(\d{4}-\d{2}-\d{2})\//.exec(k)?.[1] ?? '';
    return (from === undefined || day >= from) && (to === undefined || day <= to);
  });
}

function dayOption(text: string | undefined, flag: string): string | undefined {
  if (text !== undefined && !DAY.test(text)) throw usageError(`${flag} must be a date YYYY-MM-DD, got '${text}'`);
  return text;
}

export const predictionsLabel: Command = {
  name: 'predictions label',
  summary: "Join late labels to a model's prediction log by request id (writes .labels.arrow next to each log file)",
  positionals: [
    MODEL_POSITIONAL,
    { name: 'file', description: 'labels: csv, tsv, json, jsonl, parquet or arrow with request_id [, row_index] and the label' },
  ],
  options: {
    'label-column': { type: 'string', value: 'name', description: 'the label column in the file (default label)' },
    from: { type: 'string', value: 'YYYY-MM-DD', description: 'only log partitions from this day' },
    to: { type: 'string', value: 'YYYY-MM-DD', description: 'only log partitions up to this day' },
  },
  examples: ['tideflow predictions label penguins labels.csv --label-column species'],
  async run(args, io) {
    const model = positional(args, 0);
    const file = positional(args, 1);
    const labelColumn = stringOption(args, 'label-column') ?? 'label';
    const from = dayOption(stringOption(args, 'from'), '--from');
    const to = dayOption(stringOption(args, 'to'), '--to');
    const [{ detectFormat, parseSourceFrame }, { frameFromArrow, frameToArrow }, { indexLabels, joinLabels }, { labelsKeyFor }, s3] =
      await Promise.all([
        import('../../ml/io/parse'),
        import('../../ml/io/arrow'),
        import('../../ml/predict/labels'),
        import('../../ml/predict/log-layout'),
        import('@aws-sdk/client-s3'),
      ]);
    const format = detectFormat(file);
    if (!format) throw usageError(`cannot tell the format of '${file}' from its name (.csv, .tsv, .json, .jsonl, .parquet, .arrow)`);
    let index;
    try {
      index = indexLabels(await parseSourceFrame(await readFile(file), format, { normalizeColumns: false }), labelColumn);
    } catch (err) {
      throw new CliError(`${file}: ${err instanceof Error ? err.message : String(err)}`, EXIT.failed);
    }
    const store = await open(io);
    const keys = await logFiles(store, model, from, to);
    if (keys.length === 0)
      throw new CliError(
        `no prediction log for model '${model}' under s3://${store.bucket}/${store.prefix}predictions/${model}/`,
        EXIT.failed,
      );
    const written: string[][] = [];
    let labelled = 0;
    for (const key of keys) {
      const res = await store.s3.send(new s3.GetObjectCommand({ Bucket: store.bucket, Key: key }));
      const log = frameFromArrow(await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
      const joined = joinLabels(log, index);
      if (!joined) continue;
      const out = labelsKeyFor(key);
      await store.s3.send(
        new s3.PutObjectCommand({
          Bucket: store.bucket,
          Key: out,
          Body: frameToArrow(joined),
          ContentType: 'application/vnd.apache.arrow.file',
        }),
      );
      labelled += joined.rows;
      written.push([`s3://${store.bucket}/${out}`, String(joined.rows), String(log.rows)]);
    }
    if (written.length > 0) io.stdout.write(table(['LABELS FILE', 'LABELLED', 'LOGGED ROWS'], written, { maxCellWidth: 120 }));
    io.stdout.write(`${labelled} of ${index.labels.rows} labels matched logged predictions in ${keys.length} log file(s).\n`);
    return EXIT.ok;
  },
};

export const predictionsList: Command = {
  name: 'predictions list',
  summary: "List a model's prediction log files",
  positionals: [MODEL_POSITIONAL],
  options: {
    from: { type: 'string', value: 'YYYY-MM-DD', description: 'only partitions from this day' },
    to: { type: 'string', value: 'YYYY-MM-DD', description: 'only partitions up to this day' },
  },
  examples: ['tideflow predictions list penguins --from 2026-12-01'],
  async run(args, io) {
    const store = await open(io);
    const keys = await logFiles(
      store,
      positional(args, 0),
      dayOption(stringOption(args, 'from'), '--from'),
      dayOption(stringOption(args, 'to'), '--to'),
    );
    for (const k of keys) io.stdout.write(`s3://${store.bucket}/${k}\n`);
    if (keys.length === 0) io.stdout.write('No prediction log files.\n');
    return EXIT.ok;
  },
};

export const predictionsCommands: readonly Command[] = [predictionsList, predictionsLabel];
