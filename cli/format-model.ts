/**
 * `tideflow models show` for people, in at most 160 columns (issue 14): long values (params,
 * metrics, tags, artifact URIs) wrap onto aligned continuation lines, and the version table caps
 * its narrow columns and wraps its last one (metrics). Nothing is dropped that --json would show
 * in full, except a too-long alias list or source-run id in the table, cut with '…' (the version's
 * own view, `--version n`, prints them whole).
 */
import type { ModelVersion } from '../registry';
import { formatInstant, truncate } from './format';

/** Every line `models show` prints fits in this many columns. */
export const MODEL_SHOW_WIDTH = 160;

const LABEL_WIDTH = 18;

const chars = (text: string): string[] => [...text];

/**
 * Greedy wrap at spaces and after commas (so compact JSON wraps too); a piece longer than the
 * width (a URI) is cut into width-sized chunks. Existing newlines are kept. Never returns [].
 */
export function wrapText(text: string, width: number): string[] {
  if (width < 1) throw new Error(`wrapText: width must be at least 1, got ${width}`);
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const piece of paragraph.split(/(?<=[ ,])/)) {
      if (chars(line + piece).length <= width || (line === '' && chars(piece).length <= width)) {
        line += piece;
        continue;
      }
      // A space at the end of a line is not worth a new one.
      if (chars(line + piece.trimEnd()).length <= width) {
        lines.push((line + piece).trimEnd());
        line = '';
        continue;
      }
      if (line !== '') lines.push(line.trimEnd());
      line = '';
      const cs = chars(piece);
      for (let i = 0; i < cs.length; i += width) {
        const chunk = cs.slice(i, i + width).join('');
        if (i + width < cs.length) lines.push(chunk);
        else line = chunk;
      }
    }
    lines.push(line.trimEnd());
  }
  return lines;
}

/** `Label:` padded to 18 columns, the value wrapped in the rest, continuation lines aligned under it. */
export function labelled(rows: readonly (readonly [string, string])[], width = MODEL_SHOW_WIDTH): string {
  const pad = ' '.repeat(LABEL_WIDTH);
  const out: string[] = [];
  for (const [label, value] of rows) {
    const wrapped = wrapText(value, width - LABEL_WIDTH);
    out.push(`${`${label}:`.padEnd(LABEL_WIDTH)}${wrapped[0] ?? ''}`.trimEnd());
    for (const line of wrapped.slice(1)) out.push(`${pad}${line}`.trimEnd());
  }
  return `${out.join('\n')}\n`;
}

export const metricsText = (m: Record<string, number>): string =>
  Object.entries(m)
    .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : v.toFixed(4)}`)
    .join(' ');

/** Params can be long (a run's search space, the alerts behind a drift retrain): ~8 lines at most, --json has them all. */
const PARAMS_MAX_CHARS = 1_000;
function paramsText(params: unknown): string {
  const text = JSON.stringify(params) ?? '-';
  return chars(text).length <= PARAMS_MAX_CHARS ? text : `${truncate(text, PARAMS_MAX_CHARS)} (cut; --json shows all)`;
}

/** One version in full (`models show <model> --version n | --alias a`). */
export function formatVersion(v: ModelVersion, aliases: readonly string[], width = MODEL_SHOW_WIDTH): string {
  const status = `${v.status}${v.statusMessage ? `: ${v.statusMessage}` : ''}${v.deletedAt ? ` (deleted ${formatInstant(v.deletedAt)})` : ''}`;
  const tags = Object.entries(v.tags)
    .map(([k, val]) => `${k}=${val}`)
    .join(' ');
  return labelled(
    [
      ['Model', `${v.name} version ${v.version}${aliases.length > 0 ? ` (${aliases.join(', ')})` : ''}`],
      ['Status', status],
      ['Created', formatInstant(v.createdAt)],
      ['Model artifact', v.model.uri],
      ['Feature pipeline', v.featurePipeline?.uri ?? '-'],
      ['ONNX export', v.exports?.onnx?.uri ?? '-'],
      ['Metrics', metricsText(v.metrics) || '-'],
      ['Params', paramsText(v.params)],
      ['Source run', `${v.source.dagId} ${v.source.workflowId} (task ${v.source.taskId})`],
      ['Training data', v.trainingData.map((d) => d.uri).join('\n') || '-'],
      ['Description', v.description || '-'],
      ['Tags', tags || '-'],
    ],
    width,
  );
}

/**
 * A table whose columns are cut at `caps` (null = the last column, wrapped into what is left of
 * `width`). Padded like cli/format.ts's `table`, trailing spaces trimmed.
 */
export function fittedTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  caps: readonly number[],
  width = MODEL_SHOW_WIDTH,
): string {
  const last = headers.length - 1;
  const cut = [headers, ...rows].map((row) => headers.slice(0, last).map((_, i) => truncate(row[i] ?? '', caps[i] ?? width)));
  const widths = headers.slice(0, last).map((_, i) => Math.max(...cut.map((row) => chars(row[i] ?? '').length)));
  const lead = widths.reduce((sum, w) => sum + w + 2, 0);
  const room = Math.max(20, width - lead);
  const lines: string[] = [];
  [headers, ...rows].forEach((row, r) => {
    const left = (cut[r] ?? []).map((cell, i) => cell + ' '.repeat((widths[i] ?? 0) - chars(cell).length)).join('  ');
    const wrapped = wrapText(row[last] ?? '', room);
    lines.push(`${left}${last > 0 ? '  ' : ''}${wrapped[0] ?? ''}`.trimEnd());
    for (const more of wrapped.slice(1)) lines.push(`${' '.repeat(lead)}${more}`.trimEnd());
  });
  return `${lines.join('\n')}\n`;
}

/** A model's versions, newest first (`models show <model>`). */
export function formatVersionTable(
  versions: readonly ModelVersion[],
  aliasesOf: (v: number) => string[],
  width = MODEL_SHOW_WIDTH,
): string {
  const rows = [...versions]
    .reverse()
    .map((v) => [
      String(v.version),
      v.status,
      aliasesOf(v.version).join(' ') || '-',
      formatInstant(v.createdAt),
      v.source.workflowId,
      Object.keys(v.exports ?? {}).join(' ') || '-',
      metricsText(v.metrics) || '-',
    ]);
  // VERSION, STATUS, ALIASES, CREATED, SOURCE RUN, EXPORTS: at most 8+10+20+20+40+8 (+2 per gap) = 118;
  // metrics get the rest.
  return fittedTable(['VERSION', 'STATUS', 'ALIASES', 'CREATED', 'SOURCE RUN', 'EXPORTS', 'METRICS'], rows, [8, 10, 20, 20, 40, 8], width);
}
