/**
 * `tideflow artifacts get|put`: move files between this machine and the deployment's artifact
 * store with the CLI's S3 settings. Only keys under the configured bucket and prefix are
 * reachable: a user-given key cannot read or write other data.
 *
 * Both directions are checksummed like every task transfer: `put` records the file's sha256 as
 * object metadata (and prints it); `get` verifies the bytes against the recorded sha256 (or
 * --sha256, or the digest of a content-addressed key) and refuses a tampered object with the
 * same ArtifactCorruptedError message a task reader gives, exit 1, writing nothing.
 *
 * `put` refuses to replace an existing object unless --force: run manifests and registry
 * versions record an object's sha256, so replacing it would make them fail verification.
 */
import { stat } from 'node:fs/promises';
import type { TideflowConfig } from '../../config/env';
import { TideflowError } from '../../core/errors';
import { s3Location } from '../../storage/s3-uri';
import { flagOption, positional, stringOption } from '../args';
import type { Command } from '../command';
import { cliConfig } from '../config';
import { CliError, EXIT, usageError } from '../errors';
import type { Io } from '../io';

const SHA256 = /^[0-9a-f]{64}$/;

/** The S3 SDK and the store load lazily: most CLI commands never touch S3. */
async function openStore(config: TideflowConfig) {
  const [{ createArtifactStore }, download, putFile] = await Promise.all([
    import('../../storage/s3-client'),
    import('../../storage/artifacts/download'),
    import('../../storage/artifacts/put-file'),
  ]);
  return { store: createArtifactStore(config.s3), ...download, ...putFile };
}

/**
 * `s3://<bucket>/<key>` inside this deployment, or a key relative to its prefix; the full key
 * is checked as every user-supplied key is (no `..`, not absolute, no control characters).
 */
async function confinedKey(target: string, config: TideflowConfig): Promise<string> {
  const { validateKey } = await import('../../storage/artifacts/keys');
  const { bucket, prefix } = config.s3;
  const outside = (): CliError => usageError(`'${target}' is outside this deployment's artifacts (s3://${bucket}/${prefix}…)`);
  let key: string;
  if (target.startsWith('s3://')) {
    const loc = s3Location(target);
    if (!loc) throw usageError(`not an s3:// uri: '${target}'`);
    if (loc.bucket !== bucket || !loc.key.startsWith(prefix)) throw outside();
    key = loc.key;
  } else {
    key = `${prefix}${target}`;
  }
  try {
    validateKey(key);
  } catch (err) {
    throw usageError(`'${target}': ${err instanceof Error ? err.message : String(err)}`);
  }
  if (key.split('/').includes('..')) throw outside();
  return key;
}

/** Task errors (missing, corrupted) end the CLI with their message and exit 1. */
function asCliError(err: unknown): unknown {
  return err instanceof TideflowError ? new CliError(err.message, EXIT.failed) : err;
}

const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MiB`;

function progressReporter(io: Io, total: number): { every: number; report: (n: number) => void; done: () => void } {
  const every = Math.max(8 * 1024 * 1024, Math.ceil(total / 20));
  let shown = false;
  return {
    every,
    report: (n) => {
      shown = true;
      const line = `uploaded ${mib(n)} of ${mib(total)} (${Math.floor((100 * n) / total)}%)`;
      io.stderr.write(io.stderr.isTTY ? `\r${line}` : `${line}\n`);
    },
    done: () => {
      if (shown && io.stderr.isTTY) io.stderr.write('\n');
    },
  };
}

export const artifactsGet: Command = {
  name: 'artifacts get',
  summary: 'Download an artifact (a run report, a dataset, predictions) to a file or stdout, verified by its sha256',
  positionals: [{ name: 'uri', description: 's3://<bucket>/<key>, as printed in a run summary or task output' }],
  options: {
    out: { type: 'string', value: 'file', description: 'write to this file instead of stdout (it appears only once verified)' },
    sha256: {
      type: 'string',
      value: 'hex',
      description: 'the sha256 the content must have (default: the one recorded when it was written)',
    },
  },
  examples: [
    'tideflow artifacts get s3://tideflow/runs/ml_retrain/<run>/report.html --out report.html',
    'tideflow artifacts get s3://tideflow/data/flights.parquet --out flights.parquet --sha256 <hex>',
  ],
  async run(args, io) {
    const uri = positional(args, 0);
    if (!s3Location(uri)) throw usageError(`not an s3:// uri: '${uri}'`);
    const expected = stringOption(args, 'sha256');
    if (expected !== undefined && !SHA256.test(expected)) throw usageError('--sha256 must be 64 lowercase hex digits');
    const config = cliConfig(io.env);
    const key = await confinedKey(uri, config);
    const s = await openStore(config);
    const loc = { key, ...(expected !== undefined && { sha256: expected }) };
    const out = stringOption(args, 'out');
    try {
      if (out !== undefined) {
        await s.downloadArtifact(s.store, loc, out, { recordedSha256: true });
        io.stderr.write(`wrote ${out} (sha256 verified)\n`);
        return 0;
      }
      const opened = await s.openArtifactWithInfo(s.store, loc, { recordedSha256: true });
      // Text goes to stdout; binary (Arrow datasets) only to a file, never garbled into a terminal.
      if (!/^(text\/|application\/json)/.test(opened.contentType ?? '')) {
        opened.stream.destroy();
        throw usageError(`${uri} is ${opened.contentType || 'binary'}: give --out <file>`);
      }
      // Verified before a byte is printed: the whole text is held until its checksum matched.
      const chunks: Buffer[] = [];
      for await (const chunk of opened.stream) chunks.push(chunk as Buffer);
      io.stdout.write(Buffer.concat(chunks).toString('utf8'));
      return 0;
    } catch (err) {
      throw asCliError(err);
    }
  },
};

export const artifactsPut: Command = {
  name: 'artifacts put',
  summary: "Upload a file into the deployment's artifacts (e.g. a dataset for a DAG's source), recording its sha256",
  positionals: [
    { name: 'file', description: 'the local file to upload' },
    { name: 'key', description: "a key under this deployment's prefix (data/flights.parquet), or s3://<bucket>/<prefix>…" },
  ],
  options: {
    force: { type: 'boolean', description: 'replace an existing object (references to it will stop verifying)' },
    'content-type': { type: 'string', value: 'type', description: 'the Content-Type to store (default from the file extension)' },
  },
  examples: [
    'tideflow artifacts put flights.parquet data/flights/flights.parquet',
    'tideflow artifacts put report.html s3://tideflow/shared/report.html --force',
  ],
  async run(args, io) {
    const file = positional(args, 0);
    const config = cliConfig(io.env);
    const key = await confinedKey(positional(args, 1), config);
    const size = await stat(file).then(
      (st) => (st.isFile() ? st.size : undefined),
      () => undefined,
    );
    if (size === undefined) throw usageError(`'${file}' is not a readable file`);
    const s = await openStore(config);
    const progress = progressReporter(io, size);
    let ref;
    try {
      ref = await s.putFile(s.store, key, file, {
        overwrite: flagOption(args, 'force'),
        contentType: stringOption(args, 'content-type') ?? contentTypeOf(file),
        onProgress: progress.report,
        progressEveryBytes: progress.every,
      });
    } catch (err) {
      throw asCliError(err);
    } finally {
      progress.done();
    }
    io.stdout.write(`${ref.uri}\nsha256 ${ref.sha256}\nbytes ${ref.bytes}\n`);
    return 0;
  },
};

const CONTENT_TYPES: Record<string, string> = {
  csv: 'text/csv',
  json: 'application/json',
  jsonl: 'application/x-ndjson',
  ndjson: 'application/x-ndjson',
  parquet: 'application/vnd.apache.parquet',
  arrow: 'application/vnd.apache.arrow.file',
  html: 'text/html; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
};

function contentTypeOf(file: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(file)?.[1]?.toLowerCase();
  return (ext !== undefined && CONTENT_TYPES[ext]) || 'application/octet-stream';
}
