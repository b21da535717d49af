/** Secret masking (streamed, across chunk boundaries) and log tails (pure, on temp files). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { MaskStream, maskText, readTail, secretsToMask, tailLines } from '../../activities/command/capture';

async function streamed(chunks: string[], secrets: string[]): Promise<string> {
  const out: Buffer[] = [];
  const s = Readable.from(chunks.map((c) => Buffer.from(c))).pipe(new MaskStream(secrets));
  for await (const c of s) out.push(c as Buffer);
  return Buffer.concat(out).toString('utf8');
}

describe('secret masking', () => {
  it('keeps values of 4+ characters and the lines of multi-line values, longest first', () => {
    expect(secretsToMask(['abc', 'abcd', 'x-token-long'])).toEqual(['x-token-long', 'abcd']);
    expect(secretsToMask(['-----BEGIN KEY-----\nAAAABBBB\n-----END KEY-----'])).toEqual([
      '-----BEGIN KEY-----\nAAAABBBB\n-----END KEY-----',
      '-----BEGIN KEY-----',
      '-----END KEY-----',
      'AAAABBBB',
    ]);
  });

  it('masks text', () => {
    expect(maskText('a SECRET b SECRET', ['SECRET'])).toBe('a *** b ***');
  });

  it('masks a secret split over every possible chunk boundary', async () => {
    const secret = 'hunter2-very-secret';
    const text = `before ${secret} middle ${secret}${secret} after`;
    const expected = 'before *** middle ****** after';
    for (let cut = 0; cut <= text.length; cut++) {
      expect(await streamed([text.slice(0, cut), text.slice(cut)], [secret])).toBe(expected);
    }
    // One byte at a time.
    expect(await streamed([...text], [secret])).toBe(expected);
  });

  it('prefers the longest secret at one position and passes text through when there are none', async () => {
    expect(await streamed(['key=abcdefgh;', 'abcd'], ['abcd', 'abcdefgh'])).toBe('key=***;***');
    expect(await streamed(['no secrets here'], [])).toBe('no secrets here');
    expect(await streamed(['partial abc', 'x'], ['abcd'])).toBe('partial abcx');
  });
});

describe('log tails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tideflow-capture-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('returns the last lines, masked, starting at a whole line', async () => {
    const file = join(dir, 'err.txt');
    writeFileSync(file, Array.from({ length: 30 }, (_, i) => `line ${i + 1} token=TOPSECRET`).join('\n') + '\n');
    const tail = await tailLines(file, 20, ['TOPSECRET']);
    expect(tail).toHaveLength(20);
    expect(tail[0]).toBe('line 11 token=***');
    expect(tail[19]).toBe('line 30 token=***');
  });

  it('drops the cut first line when reading only the end of a large file', async () => {
    const file = join(dir, 'big.txt');
    writeFileSync(file, `${'x'.repeat(5000)}\nlast line\n`);
    expect(await readTail(file, 100)).toBe('last line\n');
    expect(await readTail(join(dir, 'absent.txt'), 100)).toBe('');
  });
});
