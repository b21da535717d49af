/**
 * The report's issue-11 content: the split boundary and exact counts (never "501,000" for
 * 501,030), precision/recall/F1 by threshold (table and Vega chart), and the feature importances
 * (model gain, permutation on the test set).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fmtNum, renderRunReport } from '../../ml/report';
import { thresholdTable } from '../../ml/metrics/threshold-curve';
import { insightsReport } from './fixtures/report-insights-fixtures';
import { realisticReport } from './fixtures/report-fixtures';
import { count, sectionHtml } from './report-html-helpers';

/** The <svg> whose aria-label is `label`. */
const chart = (html: string, label: string): string => {
  const start = html.indexOf(`<svg class="chart" viewBox`, html.indexOf(`aria-label="${label}"`) - 200);
  expect(start, `chart ${label}`).toBeGreaterThan(0);
  return html.slice(start, html.indexOf('</svg>', start));
};

describe('report: split boundary, exact counts, thresholds and importances', () => {
  const { report, y, scores } = insightsReport();
  let html: string;
  beforeAll(async () => {
    html = await renderRunReport(report);
  });

  it('shows the time split boundary and exact row counts with separators', () => {
    const s = sectionHtml(html, 'split');
    expect(s).toContain('<dt>train rows</dt><dd>1,477,911<span class="muted"> (74.68%)</span></dd>');
    expect(s).toContain('<dt>test rows</dt><dd>501,030<span class="muted"> (25.32%)</span></dd>');
    expect(s).toContain('<dt>time column</dt><dd><code>date</code></dd>');
    expect(s).toContain('<dt>cutoff</dt><dd>2001-04-01T00:00:00.000Z (test: rows at or after it)</dd>');
    expect(s).toContain('<dt>last train row</dt><dd>2001-03-31T23:59:00.000Z</dd>');
    expect(s).toContain('<dt>first test row</dt><dd>2001-04-01T00:01:00.000Z</dd>');
    expect(s).toContain('<dt>left out (missing target)</dt><dd>12</dd>');
    expect(s).not.toContain('seed');
  });

  it('a random split shows the test fraction and the seed instead', async () => {
    const r = realisticReport().report;
    r.split = { strategy: 'stratified', train: 16_000, test: 4_000, testFraction: 0.2, seed: 42 };
    const s = sectionHtml(await renderRunReport(r), 'split');
    expect(s).toContain('<dt>test fraction asked</dt><dd>20%</dd>');
    expect(s).toContain('<dt>seed</dt><dd>42</dd>');
    expect(s).not.toContain('cutoff');
  });

  it('the test count metric is exact: 501,030, never rounded to 4 digits, no direction or verdict', () => {
    const e = sectionHtml(html, 'evaluation');
    expect(e).toContain(
      '<tr><td><code>n</code><span class="muted"> (rows)</span></td><td class="num">501,030</td><td class="num">501,030</td>',
    );
    expect(html).not.toContain('501,000');
    expect(fmtNum(501_030)).toBe('501,000'); // why counts must not go through fmtNum
  });

  it('tabulates precision, recall and F1 at round thresholds and the F1-optimal one, exactly', () => {
    const e = sectionHtml(html, 'evaluation');
    expect(e).toContain('Precision, recall and F1 by threshold');
    expect(e).toContain('Positive class: <code>delayed</code>');
    const at05 = thresholdTable(y, scores, [0.5])[0]!;
    expect(e).toContain(
      `<tr><td class="num">0.5</td><td class="num">${fmtNum(at05.precision)}</td><td class="num">${fmtNum(at05.recall)}</td><td class="num">${fmtNum(at05.f1)}</td><td class="num">${at05.predictedPositive.toLocaleString('en-US')}</td></tr>`,
    );
    const rows = report.evaluation!.thresholds!.table;
    const best = rows.reduce((b, r) => (r.f1 > b.f1 ? r : b));
    expect(count(e, /<tr class="row-best"><td class="num">/)).toBe(1);
    expect(e).toContain(`<tr class="row-best"><td class="num">${fmtNum(best.threshold)}</td>`);
  });

  it('draws the threshold curves with Vega-Lite: one line per metric, a rule at 0.5', () => {
    const c = chart(html, 'Precision, recall and F1 by threshold');
    expect(count(c, /<g class="mark-line role-mark curve_marks"/)).toBe(3);
    expect(count(c, /<g class="mark-rule role-mark default_marks"/)).toBe(1);
    for (const label of ['precision', 'recall', 'F1']) expect(c).toContain(`>${label}</text>`);
  });

  it('shows the model importance (gain, normalised) and the permutation importance, largest first', () => {
    const e = sectionHtml(html, 'evaluation');
    expect(e).toContain('Feature importance (model)');
    expect(e).toContain('total split gain (loss reduction) per feature, as a share of all gain');
    const model = chart(html, 'Feature importance (model)');
    expect(count(model, /<path /)).toBeGreaterThan(0);
    const labels = [...model.matchAll(/role-axis-label[^]*?<\/g>/g)].map((m) => m[0]).join('');
    expect(labels.indexOf('1. distance')).toBeLessThan(labels.indexOf('2. date_hour'));
    expect(labels.indexOf('2. date_hour')).toBeLessThan(labels.indexOf('3. origin=ATL'));
    expect(e).toContain('Permutation importance (test set)');
    expect(e).toContain('mean ± std over 5 shuffles of 20,000 test rows (seed 0)');
    expect(e).toContain('<tr><td><code>date</code></td><td class="num">0.0412</td><td class="num">0.0021</td></tr>');
    expect(e.indexOf('<code>date</code>')).toBeLessThan(e.indexOf('<code>origin</code>'));
    const perm = chart(html, 'Permutation importance');
    expect(count(perm, /<g class="mark-rule role-mark whisker_marks"/)).toBe(1);
  });

  it('a split-count importance says so', async () => {
    const r = insightsReport().report;
    r.evaluation!.importance!.model!.method = 'split_count';
    expect(sectionHtml(await renderRunReport(r), 'evaluation')).toContain('(the model recorded no split gains)');
  });
});
