/**
 * Issue 14.6: local file sources are confined to TIDEFLOW_FILE_ROOTS, on the real file system:
 * `..`, symlinks (to a file and to a directory), percent-encoded file:// URLs and the data
 * directory are refused naming the path and the roots; what lies inside a root is read.
 */
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fileRootsFrom } from '../../config/file-roots';
import { confinedLocalPath, SourceNotAllowed } from '../../activities/ml/local-files';

const base = realpathSync(mkdtempSync(join(tmpdir(), 'file-roots-')));
const root = join(base, 'root');
const outside = join(base, 'outside');
const dataDir = join(root, '.tideflow');
for (const d of [join(root, 'events', 'dt=2024-01-01'), outside, dataDir]) mkdirSync(d, { recursive: true });
writeFileSync(join(root, 'events', 'dt=2024-01-01', 'a.csv'), 'x\n1\n');
writeFileSync(join(outside, 'secret.csv'), 'password\nhunter2\n');
writeFileSync(join(dataDir, 'credentials.json'), '{}');
symlinkSync(join(outside, 'secret.csv'), join(root, 'link.csv'));
symlinkSync(outside, join(root, 'linked-dir'));
const env = { TIDEFLOW_FILE_ROOTS: root, TIDEFLOW_DATA_DIR: dataDir };

async function refusal(source: string, e: NodeJS.ProcessEnv = env): Promise<SourceNotAllowed> {
  const err = await confinedLocalPath(source, e).then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(err, source).toBeInstanceOf(SourceNotAllowed);
  const refused = err as SourceNotAllowed;
  expect(refused.retryable).toBe(false);
  expect(refused.type).toBe('SourceNotAllowed');
  return refused;
}

describe('confinedLocalPath', () => {
  it('reads paths and file:// URLs inside a root (and names a missing file inside it, for the reader to report)', async () => {
    const file = join(root, 'events', 'dt=2024-01-01', 'a.csv');
    expect(await confinedLocalPath(file, env)).toBe(file);
    expect(await confinedLocalPath(pathToFileURL(file).href, env)).toBe(file);
    expect(await confinedLocalPath(`${root}/events/../events/dt=2024-01-01/a.csv`, env)).toBe(file);
    expect(await confinedLocalPath(`${root}/events/`, env)).toBe(join(root, 'events'));
    expect(await confinedLocalPath(join(root, 'nope', 'b.csv'), env)).toBe(join(root, 'nope', 'b.csv'));
  });

  it('refuses a path outside the roots, naming the path and the roots', async () => {
    const err = await refusal(join(outside, 'secret.csv'));
    expect(err.message).toContain(join(outside, 'secret.csv'));
    expect(err.message).toContain(`TIDEFLOW_FILE_ROOTS=${root}`);
    await refusal('/etc/passwd');
  });

  it('refuses .. escapes, in paths and in percent-encoded file:// URLs', async () => {
    await refusal(`${root}/../outside/secret.csv`);
    await refusal(`${root}/events/../../outside/secret.csv`);
    const encoded = await refusal(`file://${root}/%2e%2e/outside/secret.csv`);
    expect(encoded.message).toContain(join(outside, 'secret.csv'));
    await refusal(`file://${root}/..%2Foutside%2Fsecret.csv`); // an encoded '/' is not a path at all
  });

  it('refuses symlinks that lead out of the roots, to a file or through a directory', async () => {
    const file = await refusal(join(root, 'link.csv'));
    expect(file.message).toContain(`${join(root, 'link.csv')} (really ${join(outside, 'secret.csv')})`);
    await refusal(join(root, 'linked-dir', 'secret.csv'));
    await refusal(`${join(root, 'linked-dir')}/`);
    await refusal(join(root, 'linked-dir', 'not-there.csv'));
  });

  it('never reads the data directory, even inside a root', async () => {
    const err = await refusal(join(dataDir, 'credentials.json'));
    expect(err.message).toMatch(/inside the data directory .* never readable/);
    await refusal(`${dataDir}/`);
  });

  it('TIDEFLOW_FILE_ROOTS=none refuses every local file; unset means ./data', async () => {
    const none = await refusal(join(root, 'events', 'dt=2024-01-01', 'a.csv'), { TIDEFLOW_FILE_ROOTS: 'none' });
    expect(none.message).toContain('TIDEFLOW_FILE_ROOTS=none');
    expect(fileRootsFrom({}, '/srv/app')).toEqual({ roots: ['/srv/app/data'], denied: ['/srv/app/.tideflow'] });
    expect(fileRootsFrom({ TIDEFLOW_FILE_ROOTS: '/a:rel/b:/a', TIDEFLOW_DATA_DIR: '/var/tf' }, '/srv')).toEqual({
      roots: ['/a', '/srv/rel/b'],
      denied: ['/var/tf'],
    });
  });
});
