/** Parquet (Snappy, ZSTD) and Arrow ingest: same rows as the JSON original; bad files fail by name. */
import { copyFileSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { detectFormat, parseSource, parseTable } from '../../ml/io/parse';
import { readTable } from '../../activities/ml/read-table';
import { resolvePackageFile } from '../../activities/ml/source';
import type { ArtifactStore } from '../../activities/ml/store';

const dir = join(__dirname, 'fixtures/columnar');
const bytes = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, name)));
const original = parseTable(readFileSync(resolvePackageFile('vega-datasets/data/penguins.json'), 'utf8'), 'json', true);
const codecOf = (b: Uint8Array): string | undefined =>
  parquetMetadata(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer).row_groups[0]?.columns[0]?.meta_data?.codec;

describe('columnar sources', () => {
  it.each([
    ['penguins.snappy.parquet', 'SNAPPY'],
    ['penguins.zstd.parquet', 'ZSTD'],
  ])('reads %s (%s) to the same rows as the JSON original', async (file, codec) => {
    expect(codecOf(bytes(file))).toBe(codec);
    const parsed = await parseSource(bytes(file), 'parquet', true);
    expect(parsed.columns).toEqual(original.columns);
    expect(parsed.rows).toEqual(original.rows);
  });

  it('reads an Arrow IPC file to the same rows', async () => {
    const parsed = await parseSource(bytes('penguins.arrow'), 'arrow', true);
    expect(parsed.rows).toEqual(original.rows);
  });

  it('tells formats from names and content types', () => {
    expect(detectFormat('s3://b/events/dt=2024-01-01/part-0.parquet')).toBe('parquet');
    expect(detectFormat('/data/x.feather')).toBe('arrow');
    expect(detectFormat('https://x/y', 'application/vnd.apache.parquet')).toBe('parquet');
  });

  it('refuses a truncated Parquet file, a 64-bit integer beyond 2^53 and non-UTF-8 text', async () => {
    const whole = bytes('penguins.snappy.parquet');
    await expect(parseSource(whole.slice(0, whole.length - 100), 'parquet', true)).rejects.toThrow();
    const big = new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'id', data: [1n, 2n ** 60n], type: 'INT64' }] }));
    await expect(parseSource(big, 'parquet', false)).rejects.toThrow(
      "column 'id' holds 1152921504606846976, beyond exact double precision",
    );
    await expect(parseSource(new Uint8Array([0x61, 0x0a, 0xff, 0xfe]), 'csv', false)).rejects.toThrow(/encoded|decode|invalid/i);
  });

  it('ingests a local Parquet file by path, naming the file when it cannot', async () => {
    const noStore = {} as ArtifactStore; // local paths never touch S3
    const signal = new AbortController().signal;
    // Local sources are read only under TIDEFLOW_FILE_ROOTS (the temp dir in tests): copy the fixture there.
    const local = join(mkdtempSync(join(tmpdir(), 'tideflow-columnar-')), 'penguins.zstd.parquet');
    copyFileSync(join(dir, 'penguins.zstd.parquet'), local);
    const table = await readTable(local, noStore, signal, true);
    expect(table).toMatchObject({ format: 'parquet', rows: original.rows });
    const tmp = mkdtempSync(join(tmpdir(), 'tideflow-bad-'));
    writeFileSync(join(tmp, 'broken.parquet'), 'not a parquet file at all');
    await expect(readTable(join(tmp, 'broken.parquet'), noStore, signal, true)).rejects.toThrow(
      `cannot parse ${join(tmp, 'broken.parquet')} as parquet`,
    );
  });
});
