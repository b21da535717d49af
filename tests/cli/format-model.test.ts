/** `models show` text fits in 160 columns: wrapping and the fitted version table (cli/format-model.ts). */
import { describe, expect, it } from 'vitest';
import { fittedTable, labelled, wrapText } from '../../cli/format-model';

const widest = (text: string): number => Math.max(...text.split('\n').map((l) => [...l].length));

describe('wrapText', () => {
  it('wraps at spaces and after commas, keeps short text whole and newlines as line breaks', () => {
    expect(wrapText('a b c', 10)).toEqual(['a b c']);
    expect(wrapText('alpha beta gamma', 10)).toEqual(['alpha beta', 'gamma']);
    expect(wrapText('{"a":1,"b":2,"c":3}', 8)).toEqual(['{"a":1,', '"b":2,', '"c":3}']);
    expect(wrapText('one\ntwo', 10)).toEqual(['one', 'two']);
  });

  it('cuts a piece longer than the width into chunks, losing nothing', () => {
    const uri = `s3://bucket/${'x'.repeat(50)}`;
    const lines = wrapText(`see ${uri} now`, 20);
    expect(lines.every((l) => l.length <= 20)).toBe(true);
    expect(lines.join('').replace(/ /g, '')).toBe(`see${uri}now`);
  });
});

describe('labelled and fittedTable', () => {
  it('aligns continuation lines under the value and never exceeds the width', () => {
    const text = labelled([['Params', JSON.stringify({ grid: Array.from({ length: 80 }, (_, i) => `value-${i}`) })]], 60);
    expect(widest(text)).toBeLessThanOrEqual(60);
    expect(text.split('\n')[1]).toMatch(/^ {18}\S/);
  });

  it('cuts capped columns with … and wraps the last one into the room left', () => {
    const text = fittedTable(['ID', 'NAME', 'NOTES'], [['1', 'n'.repeat(40), 'word '.repeat(40).trim()]], [4, 10], 50);
    expect(widest(text)).toBeLessThanOrEqual(50);
    expect(text).toContain(`${'n'.repeat(9)}…`);
    expect(text.split('\n').filter((l) => l.includes('word')).length).toBeGreaterThan(3);
  });
});
