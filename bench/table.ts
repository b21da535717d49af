/** Plain-text tables for the human-readable report. */

/** Columns padded to their widest cell; the first column left-aligned, the others right-aligned. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]): string =>
    widths
      .map((w, c) => (c === 0 ? (r[c] ?? '').padEnd(w) : (r[c] ?? '').padStart(w)))
      .join('   ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('   ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

export function ms(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(2)} ms` : 'n/a';
}

export function ratio(x: number): string {
  return Number.isFinite(x) ? `${x.toFixed(3)}x` : 'n/a';
}

export function verdict(pass: boolean): string {
  return pass ? 'PASS' : 'MISS';
}
