/** `tideflow artifacts get` against the test MinIO, and the run summary's report link. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { runCli } from '../../cli/main';
import { reportLinks } from '../../cli/format-run';
import type { RunView } from '../../core/run-view';
import { testStore } from '../ml/activity-env';
import { captureIo } from './helpers';

const env = inject('stack').env;
const store = testStore('');

async function put(key: string, body: string, contentType: string): Promise<string> {
  await store.s3.send(new PutObjectCommand({ Bucket: store.bucket, Key: key, Body: Buffer.from(body), ContentType: contentType }));
  return `s3://${store.bucket}/${key}`;
}

describe('tideflow artifacts get', () => {
  it('prints a text artifact, writes any artifact to --out, refuses binary to stdout and foreign uris', async () => {
    const html = await put(`runs/cli-test/${Date.now()}/report.html`, '<!DOCTYPE html><p>hello</p>', 'text/html; charset=utf-8');
    const bin = await put(`runs/cli-test/${Date.now()}/data.arrow`, 'ARROW1', 'application/vnd.apache.arrow.file');
    let io = captureIo(env);
    expect(await runCli(['artifacts', 'get', html], io)).toBe(0);
    expect(io.out()).toBe('<!DOCTYPE html><p>hello</p>');
    const out = join(mkdtempSync(join(tmpdir(), 'cli-art-')), 'd.arrow');
    io = captureIo(env);
    expect(await runCli(['artifacts', 'get', bin, '--out', out], io)).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe('ARROW1');
    io = captureIo(env);
    expect(await runCli(['artifacts', 'get', bin], io)).toBe(2);
    expect(io.err()).toContain('is application/vnd.apache.arrow.file: give --out <file>');
    io = captureIo(env);
    expect(await runCli(['artifacts', 'get', 's3://elsewhere/secret'], io)).toBe(2);
    expect(io.err()).toContain("'s3://elsewhere/secret' is outside this deployment's artifacts");
    io = captureIo(env);
    expect(await runCli(['artifacts', 'get', `s3://${store.bucket}/runs/none/missing.html`], io)).toBe(1);
    expect(io.err()).toContain('no artifact at');
  });

  it('the run summary links HTML reports found in task outputs', () => {
    const view = {
      tasks: [
        { id: 'report', output: { uri: 's3://b/r.html', contentType: 'text/html; charset=utf-8' } },
        { id: 'x', output: { uri: 's3://b/x.json' } },
      ],
    } as unknown as RunView;
    expect(reportLinks(view)).toEqual([['report', 's3://b/r.html']]);
  });
});
