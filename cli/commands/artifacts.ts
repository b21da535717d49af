/**
 * `tideflow artifacts get <s3://bucket/key> [--out file]`: download an artifact a run wrote
 * (a run report, a dataset, predictions) with the CLI's S3 settings. Only objects under the
 * configured bucket and prefix are served: a user-given key cannot reach other data.
 */
import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { s3Location } from '../../storage/s3-uri';
import { positional, stringOption } from '../args';
import type { Command } from '../command';
import { cliConfig } from '../config';
import { CliError, EXIT, usageError } from '../errors';

export const artifactsGet: Command = {
  name: 'artifacts get',
  summary: 'Download an artifact (a run report, a dataset, predictions) to a file or stdout',
  positionals: [{ name: 'uri', description: 's3://<bucket>/<key>, as printed in a run summary or task output' }],
  options: { out: { type: 'string', value: 'file', description: 'write to this file instead of stdout' } },
  examples: ['tideflow artifacts get s3://tideflow/runs/ml_retrain/<run>/report.html --out report.html'],
  async run(args, io) {
    const uri = positional(args, 0);
    const loc = s3Location(uri);
    if (!loc) throw usageError(`not an s3:// uri: '${uri}'`);
    const { bucket, key } = loc;
    const config = cliConfig(io.env);
    if (bucket !== config.s3.bucket || !key.startsWith(config.s3.prefix) || key.split('/').includes('..')) {
      throw usageError(`'${uri}' is outside this deployment's artifacts (s3://${config.s3.bucket}/${config.s3.prefix}…)`);
    }
    const [{ GetObjectCommand, NoSuchKey }, { createS3Client }] = await Promise.all([
      import('@aws-sdk/client-s3'),
      import('../../storage/s3-client'),
    ]);
    const s3 = createS3Client(config.s3);
    let body: Readable;
    let contentType: string;
    try {
      const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      body = res.Body as Readable;
      contentType = res.ContentType ?? '';
    } catch (err) {
      if (err instanceof NoSuchKey) throw new CliError(`no artifact at ${uri}`, EXIT.failed);
      throw err;
    }
    const out = stringOption(args, 'out');
    if (out === undefined) {
      // Text goes to stdout; binary (Arrow datasets) only to a file, never garbled into a terminal.
      if (!/^(text\/|application\/json)/.test(contentType)) {
        body.destroy();
        throw usageError(`${uri} is ${contentType || 'binary'}: give --out <file>`);
      }
      for await (const chunk of body) io.stdout.write(Buffer.from(chunk as Uint8Array).toString('utf8'));
    } else {
      await pipeline(body, createWriteStream(out));
      io.stderr.write(`wrote ${out}\n`);
    }
    return 0;
  },
};
