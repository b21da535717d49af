/**
 * What the process printed: masking of secret values, and the tail of a log file.
 *
 * stdout and stderr go straight to files (the child writes them itself, so memory stays bounded
 * whatever it prints). Everything derived from them that leaves the worker — uploaded logs,
 * heartbeat details, the failure message — passes through the mask first, so a secret handed
 * over by `envFromWorker` never lands in S3 or in workflow history.
 */
import { open } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';

export const MASK = '***';
/** Shorter values are not secrets worth the garbling (a "1" would be masked everywhere). */
export const MIN_SECRET_LENGTH = 4;

/**
 * The strings to mask for these secret values, longest first: each value, and each line of a
 * multi-line value (a PEM key), so a tail that starts mid-secret still hides the rest of it.
 */
export function secretsToMask(values: Iterable<string>): string[] {
  const set = new Set<string>();
  for (const v of values) {
    if (v.length >= MIN_SECRET_LENGTH) set.add(v);
    if (/[\r\n]/.test(v)) {
      for (const line of v.split(/\r?\n|\r/)) if (line.trim().length >= MIN_SECRET_LENGTH) set.add(line);
    }
  }
  return [...set].sort((a, b) => b.length - a.length);
}

/** Replace every secret in `text`, longest first (so a secret containing another is masked whole). */
export function maskText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].filter((x) => x !== '').sort((a, b) => b.length - a.length)) out = out.split(s).join(MASK);
  return out;
}

/**
 * Streaming mask over bytes. A secret may straddle two chunks, so the last (longest − 1) bytes
 * are held back until the next chunk shows whether they start one.
 */
export class MaskStream extends Transform {
  private readonly secrets: Buffer[];
  private readonly keep: number;
  private carry: Buffer = Buffer.alloc(0);
  private readonly mask = Buffer.from(MASK, 'utf8');

  constructor(secrets: readonly string[]) {
    super();
    // Longest first: where two secrets start at the same byte, the longer one is masked whole.
    this.secrets = secrets
      .map((s) => Buffer.from(s, 'utf8'))
      .filter((b) => b.length > 0)
      .sort((a, b) => b.length - a.length);
    this.keep = Math.max(0, ...this.secrets.map((b) => b.length - 1));
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    if (this.secrets.length === 0) {
      done(null, chunk);
      return;
    }
    this.carry = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    this.drain(false);
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.secrets.length > 0) this.drain(true);
    done();
  }

  private drain(final: boolean): void {
    const buf = this.carry;
    // Below `limit` every secret that could start there is wholly inside `buf`, so a miss is final.
    const limit = final ? buf.length : Math.max(0, buf.length - this.keep);
    const parts: Buffer[] = [];
    let pos = 0;
    for (;;) {
      let best = -1;
      let bestLen = 0;
      for (const s of this.secrets) {
        const i = buf.indexOf(s, pos);
        if (i >= 0 && (best < 0 || i < best)) {
          best = i;
          bestLen = s.length;
        }
      }
      if (best >= 0 && best < limit) {
        parts.push(buf.subarray(pos, best), this.mask);
        pos = best + bestLen;
        continue;
      }
      const end = Math.max(pos, limit);
      parts.push(buf.subarray(pos, end));
      this.carry = Buffer.from(buf.subarray(end));
      break;
    }
    const out = Buffer.concat(parts);
    if (out.length > 0) this.push(out);
  }
}

/** The last `maxBytes` of a file as text, starting at a line boundary (unless the file is that short). */
export async function readTail(path: string, maxBytes: number): Promise<string> {
  const fh = await open(path, 'r').catch(() => undefined);
  if (!fh) return '';
  try {
    const size = (await fh.stat()).size;
    const start = Math.max(0, size - maxBytes);
    const buf = Buffer.alloc(size - start);
    const { bytesRead } = await fh.read(buf, 0, buf.length, start);
    let text = buf.subarray(0, bytesRead).toString('utf8');
    if (start > 0) {
      // The first line is cut (maybe mid-character, maybe mid-secret): drop it.
      const nl = text.indexOf('\n');
      text = nl < 0 ? '' : text.slice(nl + 1);
    }
    return text;
  } finally {
    await fh.close();
  }
}

/** The last `n` non-empty lines of a log file, masked, each cut to `maxLineChars`. */
export async function tailLines(path: string, n: number, secrets: readonly string[], maxLineChars = 500): Promise<string[]> {
  const text = maskText(await readTail(path, 16 * 1024), secrets);
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '')
    .slice(-n)
    .map((l) => (l.length > maxLineChars ? `${l.slice(0, maxLineChars)}…` : l));
}
