import { describe, expect, it } from 'vitest';
import { frameToRows } from '../../ml/frame/frame';
import { detectFormat, parseSourceFrame } from '../../ml/io/parse';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('JSON Lines', () => {
  it('is told by name or Content-Type', () => {
    expect(detectFormat('s3://lake/events/part-0.jsonl')).toBe('jsonl');
    expect(detectFormat('/data/x.ndjson')).toBe('jsonl');
    expect(detectFormat('https://api/export', 'application/x-ndjson; charset=utf-8')).toBe('jsonl');
  });

  it('parses one object per line into typed columns, blank lines ignored, keys unioned', async () => {
    const text =
      '{"id": 1, "ts": "2024-01-02T03:00:00Z", "ok": true}\n\n{"id": 2, "ts": "2024-01-03T03:00:00Z", "ok": false, "note": "x"}\r\n';
    const frame = await parseSourceFrame(bytes(text), 'jsonl', { normalizeColumns: false });
    expect(frame.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', 'number'],
      ['ts', 'timestamp'],
      ['ok', 'boolean'],
      ['note', 'string'],
    ]);
    expect(frameToRows(frame)).toEqual([
      { id: 1, ts: '2024-01-02T03:00:00.000Z', ok: true, note: null },
      { id: 2, ts: '2024-01-03T03:00:00.000Z', ok: false, note: 'x' },
    ]);
  });

  it('reads JSON Lines saved as .json (BigQuery / Spark exports), and still reads JSON arrays', async () => {
    const lines = await parseSourceFrame(bytes('{"a": 1}\n{"a": 2}\n'), 'json', { normalizeColumns: false });
    expect(lines.rows).toBe(2);
    const array = await parseSourceFrame(bytes('[{"a": 1}, {"a": 2}, {"a": 3}]'), 'json', { normalizeColumns: false });
    expect(array.rows).toBe(3);
  });

  it('names the bad line', async () => {
    await expect(parseSourceFrame(bytes('{"a": 1}\n{"a": \n'), 'jsonl', { normalizeColumns: false })).rejects.toThrow(
      /^line 2: not valid JSON/,
    );
    await expect(parseSourceFrame(bytes('{"a": 1}\n[1, 2]\n'), 'jsonl', { normalizeColumns: false })).rejects.toThrow(
      'line 2: expected a JSON object per line, got an array',
    );
  });
});
