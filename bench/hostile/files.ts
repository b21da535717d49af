/**
 * Hostile paths (issue 14.6, 10): sources that climb out of the file roots (`..`, %2e%2e,
 * symlinks, /proc, the data directory's credentials) must fail their run at once, naming the rule;
 * `tideflow artifacts get` must refuse a tampered object, a wrong checksum and keys outside the
 * deployment's prefix.
 */
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { exitCode, type CaseSpec } from './cases';
import { cli, type CensusStack } from './stack';

export function sourceCases(s: CensusStack): CaseSpec[] {
  const data = join(s.dir, 'data');
  symlinkSync(join(data, 'credentials.json'), join(s.fileRoot, 'creds.json'));
  symlinkSync(data, join(s.fileRoot, 'state'));
  const source = (name: string, src: string): CaseSpec => ({
    group: 'sources',
    name,
    expect: 'exit 1/2, refused',
    // Refused at trigger (2) or by ingest at once (1, non-retryable SourceNotAllowed); never read.
    accept: (p) => exitCode(1, 2)(p) && /SourceNotAllowed|never readable|outside the allowed file roots/i.test(p.text),
    names: /TIDEFLOW_FILE_ROOTS|data directory/i,
    run: () => cli(s, ['trigger', 'ml_retrain', '--wait', '--params', JSON.stringify({ source: src, modelName: 'census-sources' })]),
  });
  return [
    source('/etc/passwd', '/etc/passwd'),
    source('the data dir’s credentials.json', join(data, 'credentials.json')),
    source('root/../data/credentials.json', `${s.fileRoot}/../data/credentials.json`),
    source('file:// with %2e%2e', `file://${s.fileRoot}/%2e%2e/data/credentials.json`),
    source('relative ../../../../etc/passwd', '../../../../../../etc/passwd'),
    source('symlink in the root → credentials', join(s.fileRoot, 'creds.json')),
    source('symlinked dir in the root → data dir', join(s.fileRoot, 'state', 'alert-token')),
    source('file:///proc/self/environ', 'file:///proc/self/environ'),
  ];
}

export async function artifactCases(s: CensusStack): Promise<CaseSpec[]> {
  const file = join(s.dir, 'census-note.json');
  writeFileSync(file, JSON.stringify({ note: 'census artifact', at: new Date().toISOString() }));
  const put = await cli(s, ['artifacts', 'put', file, 'census/note.json']);
  const uri = /s3:\/\/\S+/.exec(put.text)?.[0]?.replace(/[).,]+$/, '');
  if (put.status !== 'exit 0' || !uri) throw new Error(`artifacts put failed: ${put.status} ${put.text}`);
  const { bucket, prefix } = s.config.s3;
  const key = uri.slice(`s3://${bucket}/`.length);
  // Tamper as someone with bucket access would: same key and metadata, other bytes.
  const head = await s.store.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  await s.store.s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: JSON.stringify({ note: 'tampered!!', at: new Date(0).toISOString() }),
      ContentType: head.ContentType,
      Metadata: head.Metadata,
    }),
  );
  const outDir = join(s.dir, 'out');
  mkdirSync(outDir);
  const get = (name: string, expect: number, names: RegExp, args: string[]): CaseSpec => ({
    group: 'artifacts',
    name,
    expect: `exit ${expect}`,
    accept: exitCode(expect),
    names,
    run: () => cli(s, ['artifacts', 'get', ...args]),
  });
  return [
    get('tampered object to stdout', 1, /sha256|checksum/i, [uri]),
    {
      ...get('tampered object --out (no file left)', 1, /sha256|checksum/i, [uri, '--out', join(outDir, 'tampered.json')]),
      accept: (p) => exitCode(1)(p) && !existsSync(join(outDir, 'tampered.json')),
    },
    get('--sha256 of 63 digits', 2, /sha256/, [uri, '--sha256', 'a'.repeat(63)]),
    get('another bucket', 2, /outside/, [`s3://not-${bucket}/${prefix}x.json`]),
    get('s3 key with ..', 2, /outside|\.\./, [`s3://${bucket}/${prefix}census/../../etc/passwd`]),
    get('missing key', 1, /not found|no such|does not exist/i, [`s3://${bucket}/${prefix}census/missing.json`]),
    get('not an s3 uri (http)', 2, /s3:\/\//, ['http://example.com/x']),
  ];
}
