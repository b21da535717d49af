/** `tideflow artifacts get|put` against the test MinIO, and the run summary's report link. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { reportLinks } from '../../cli/format-run';
import type { RunView } from '../../core/run-view';
import { getJson } from '../../storage/artifacts/objects';
import { testStore } from '../ml/activity-env';
import { runCliInProcess } from './in-process';

const env = inject('stack').env;
const store = testStore('');
const dir = mkdtempSync(join(tmpdir(), 'cli-art-'));
const sha = (b: string | Buffer): string => createHash('sha256').update(b).digest('hex');
const unique = (): string => `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;

/** An object as Tideflow writers store it: its sha256 recorded as metadata. */
async function put(key: string, body: string, contentType: string): Promise<string> {
  await store.s3.send(
    new PutObjectCommand({
      Bucket: store.bucket,
      Key: key,
      Body: Buffer.from(body),
      ContentType: contentType,
      Metadata: { sha256: sha(body) },
    }),
  );
  return `s3://${store.bucket}/${key}`;
}

/** Someone replaces the bytes behind Tideflow's back (keeping or dropping the recorded sha256). */
async function tamper(key: string, body: string, keepMetadataOf?: string): Promise<void> {
  await store.s3.send(
    new PutObjectCommand({
      Bucket: store.bucket,
      Key: key,
      Body: Buffer.from(body),
      ContentType: 'text/csv',
      ...(keepMetadataOf !== undefined && { Metadata: { sha256: sha(keepMetadataOf) } }),
    }),
  );
}

const cli = (args: string[], extraEnv: Record<string, string> = {}) => runCliInProcess(args, { ...env, ...extraEnv });

describe('tideflow artifacts get', () => {
  it('prints a text artifact, writes any artifact to --out, refuses binary to stdout and foreign uris', async () => {
    const html = await put(`runs/cli-test/${unique()}/report.html`, '<!DOCTYPE html><p>hello</p>', 'text/html; charset=utf-8');
    const bin = await put(`runs/cli-test/${unique()}/data.arrow`, 'ARROW1', 'application/vnd.apache.arrow.file');
    let r = await cli(['artifacts', 'get', html]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('<!DOCTYPE html><p>hello</p>');
    const out = join(dir, 'd.arrow');
    r = await cli(['artifacts', 'get', bin, '--out', out]);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('ARROW1');
    r = await cli(['artifacts', 'get', bin]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('is application/vnd.apache.arrow.file: give --out <file>');
    r = await cli(['artifacts', 'get', 's3://elsewhere/secret']);
    expect(r.code).toBe(2);
    expect(r.err).toContain("'s3://elsewhere/secret' is outside this deployment's artifacts");
    r = await cli(['artifacts', 'get', `s3://${store.bucket}/runs/none/missing.html`]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`s3://${store.bucket}/runs/none/missing.html does not exist`);
  });

  it("refuses a tampered object with the task readers' error, exit 1, printing and writing nothing", async () => {
    const key = `runs/cli-test/${unique()}/rows.csv`;
    const uri = await put(key, 'a,b\n1,2\n', 'text/csv');
    await tamper(key, 'a,b\n1,3\n', 'a,b\n1,2\n');
    const corrupted = new RegExp(
      `^error: ${uri} is corrupted: expected sha256 ${sha('a,b\n1,2\n')}, got 8 bytes with sha256 ${sha('a,b\n1,3\n')}\n$`,
    );
    let r = await cli(['artifacts', 'get', uri]);
    expect([r.code, r.out]).toEqual([1, '']);
    expect(r.err).toMatch(corrupted);
    const out = join(dir, 'tampered.csv');
    r = await cli(['artifacts', 'get', uri, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(corrupted);
    expect(existsSync(out)).toBe(false);
    // A task reading it through its reference fails with the same words.
    const ref = { uri, bytes: 8, sha256: sha('a,b\n1,2\n') };
    await expect(getJson(store, ref)).rejects.toThrow(`${uri} is corrupted: expected 8 bytes with sha256 ${ref.sha256}, got 8 bytes`);

    // Replaced without its recorded checksum: nothing to verify against, so refused too.
    await tamper(key, 'a,b\n1,4\n');
    r = await cli(['artifacts', 'get', uri]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${uri} has no recorded sha256 (not written by Tideflow, or replaced since): its content cannot be verified`);
    // …unless the caller knows the checksum the content must have.
    r = await cli(['artifacts', 'get', uri, '--sha256', sha('a,b\n1,4\n')]);
    expect([r.code, r.out]).toEqual([0, 'a,b\n1,4\n']);
    r = await cli(['artifacts', 'get', uri, '--sha256', sha('other')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${uri} is corrupted: expected sha256 ${sha('other')}`);
  });
});

describe('tideflow artifacts put', () => {
  it('uploads with the sha256 printed and recorded, and gets back the same bytes', async () => {
    const file = join(dir, 'rows.csv');
    writeFileSync(file, 'x,y\n1,2\n3,4\n');
    const key = `data/cli-put/${unique()}/rows.csv`;
    const r = await cli(['artifacts', 'put', file, key]);
    expect(r.code).toBe(0);
    const uri = `s3://${store.bucket}/${key}`;
    expect(r.out).toBe(`${uri}\nsha256 ${sha('x,y\n1,2\n3,4\n')}\nbytes 12\n`);
    const head = await store.s3.send(new HeadObjectCommand({ Bucket: store.bucket, Key: key }));
    expect(head.Metadata?.['sha256']).toBe(sha('x,y\n1,2\n3,4\n'));
    expect(head.ContentType).toBe('text/csv');
    const back = await cli(['artifacts', 'get', uri]);
    expect([back.code, back.out]).toEqual([0, 'x,y\n1,2\n3,4\n']);
  });

  it('reports progress on stderr for a large file, and round-trips it', async () => {
    const big = Buffer.alloc(20 * 1024 * 1024 + 123);
    for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
    const file = join(dir, 'big.bin');
    writeFileSync(file, big);
    const key = `data/cli-put/${unique()}/big.bin`;
    const r = await cli(['artifacts', 'put', file, `s3://${store.bucket}/${key}`]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`sha256 ${sha(big)}`);
    expect(r.err).toMatch(/uploaded 8\.0 MiB of 20\.0 MiB \(39%\)\n/);
    const out = join(dir, 'big.out');
    expect((await cli(['artifacts', 'get', `s3://${store.bucket}/${key}`, '--out', out])).code).toBe(0);
    expect(sha(readFileSync(out))).toBe(sha(big));
  });

  it('refuses to overwrite without --force, and replaces with it', async () => {
    const file = join(dir, 'v.txt');
    const key = `data/cli-put/${unique()}/v.txt`;
    writeFileSync(file, 'one');
    expect((await cli(['artifacts', 'put', file, key])).code).toBe(0);
    writeFileSync(file, 'two');
    let r = await cli(['artifacts', 'put', file, key]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`s3://${store.bucket}/${key} already exists`);
    expect(r.err).toContain('use --force to replace it');
    expect((await cli(['artifacts', 'get', `s3://${store.bucket}/${key}`])).out).toBe('one');
    r = await cli(['artifacts', 'put', file, key, '--force']);
    expect(r.code).toBe(0);
    expect((await cli(['artifacts', 'get', `s3://${store.bucket}/${key}`])).out).toBe('two');
  });

  it("confines keys to the deployment's bucket and prefix", async () => {
    const file = join(dir, 'c.txt');
    writeFileSync(file, 'c');
    const team = { TIDEFLOW_PREFIX: 'team-a/' };
    const cases: [string, string][] = [
      ['../escape.txt', "contains a '..' segment (path traversal)"],
      ['data/../../escape.txt', "contains a '..' segment (path traversal)"],
      ['/etc/passwd', 'team-a//etc/passwd'],
      [`s3://${store.bucket}/team-b/x.txt`, "is outside this deployment's artifacts (s3://"],
      ['s3://other-bucket/team-a/x.txt', "is outside this deployment's artifacts"],
      [`s3://${store.bucket}/team-a/../team-b/x.txt`, "contains a '..' segment (path traversal)"],
      ['data//x.txt', "has an empty segment ('//' or a trailing '/')"],
    ];
    for (const [target, message] of cases) {
      const r = await cli(['artifacts', 'put', file, target], team);
      expect(r.code, target).toBe(2);
      expect(r.err, target).toContain(message);
    }
    // Inside the prefix it works, and a relative key lands under the prefix.
    const key = `data/${unique()}/c.txt`;
    const r = await cli(['artifacts', 'put', file, key], team);
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0]).toBe(`s3://${store.bucket}/team-a/${key}`);
    expect((await cli(['artifacts', 'get', `s3://${store.bucket}/team-a/${key}`], team)).out).toBe('c');
    expect((await cli(['artifacts', 'put', join(dir, 'absent.txt'), 'x.txt'])).err).toContain('is not a readable file');
  });
});

describe('run summary', () => {
  it('links HTML reports found in task outputs', () => {
    const view = {
      tasks: [
        { id: 'report', output: { uri: 's3://b/r.html', contentType: 'text/html; charset=utf-8' } },
        { id: 'x', output: { uri: 's3://b/x.json' } },
      ],
    } as unknown as RunView;
    expect(reportLinks(view)).toEqual([['report', 's3://b/r.html']]);
  });
});
