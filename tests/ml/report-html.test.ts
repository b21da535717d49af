/**
 * The HTML run report renderer (pure) on complete runs: document structure, every section in
 * order, the numbers and verdicts of a blessed and a rejected run, charts, no external resource.
 * Escaping and edge cases: report-html-edges.test.ts; the helpers: report-helpers.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fmtCount, fmtNum, renderRunReport } from '../../ml/report';
import { fmtDelta, fmtPct } from '../../ml/report/format';
import { multiclassEvaluation, realisticReport, rejectedReport } from './fixtures/report-fixtures';
import { count, expectSelfContained, sectionHtml, SECTIONS, vegaMarks } from './report-html-helpers';

describe('renderRunReport: a realistic blessed binary run', () => {
  const { report, y } = realisticReport();
  let html: string;
  beforeAll(async () => {
    html = await renderRunReport(report);
  });
  const ev = report.evaluation!;

  it('is one HTML5 document with a title naming the DAG and run', async () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toContain('<title>Run report · ml_retrain · 0190c3b4-5f2e-7d41-9a1b-3c9e2f1d8a77</title>');
    expect(html).toContain('<meta charset="utf-8"/>');
    expect(count(html, /<style>/)).toBe(1);
    expect(html).toContain('prefers-color-scheme:dark');
    expect(html).toContain('@media print');
  });

  it('has every section, in order, each linked from the contents', async () => {
    const positions = SECTIONS.map((id) => html.indexOf(`<section id="${id}"`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    for (const id of SECTIONS) expect(html).toContain(`<a href="#${id}">`);
    expect(html).not.toContain('Not in this run');
  });

  it('shows the BLESSED banner and the registration', async () => {
    expect(html).toMatch(/class="banner banner-ok"[^>]*><strong>✔ BLESSED<\/strong>/);
    expect(html).not.toContain('NOT BLESSED');
    expect(html).toContain('registered as flights_delay version 4 · promoted to champion · aliases: champion, latest');
  });

  it('draws one chart per column, the trials, the confusion matrix and the ROC curve', async () => {
    expect(count(html, /<svg /)).toBe(report.data!.columns.length + 3);
    expect(html).toContain('aria-label="Histogram of delay"');
    expect(html).toContain('aria-label="Most frequent values of origin"');
    expect(html).toContain('aria-label="Most frequent values of weekend"');
    expect(html).toContain('aria-label="Confusion matrix"');
    expect(html).toContain('aria-label="ROC curve"');
  });

  it('formats the data numbers: row counts with separators, timestamps as dates, missing shares', async () => {
    const data = sectionHtml(html, 'data');
    expect(data).toContain('>20,000<');
    const time = report.data!.columns.find((c) => c.name === 'time')!;
    expect(time.missing).toBeGreaterThan(300);
    expect(data).toContain(`${fmtCount(time.missing)} <span class="muted">(${fmtPct(time.missingFraction)})</span>`);
    expect(data).toContain('2001-01-01');
    expect(data).not.toMatch(/97830720\d{4}/); // epoch ms never shown raw
    expect(data).toContain('other values:');
  });

  it('lists anomalies with their severity and the column badges', async () => {
    const a = sectionHtml(html, 'anomalies');
    expect(count(a, /<tr><td><span class="badge b-warning">warning<\/span>/)).toBe(3);
    expect(a).toContain('(dataset)');
    expect(sectionHtml(html, 'data')).toContain('<span class="badge b-warning">1 warning</span>');
  });

  it('marks the chosen trial in the table and the chart', async () => {
    const t = sectionHtml(html, 'tuning');
    const best = report.tuning!.trials.find((x) => x.index === report.tuning!.bestIndex)!;
    expect(t).toContain(`<tr class="row-best"><td>★ ${best.index}</td>`);
    expect(vegaMarks(t, 'best')).toHaveLength(1);
    expect(vegaMarks(t, 'bar')).toHaveLength(report.tuning!.trials.length - 1);
    expect(count(t, /<tr[ >]/)).toBe(report.tuning!.trials.length + 1);
    expect(t).toContain('maxDepth=<b>6</b>');
    expect(t).toContain('0.701 · 0.708 · 0.712 · 0.699 · 0.706');
  });

  it('compares candidate and champion with signed deltas coloured by direction', async () => {
    const e = sectionHtml(html, 'evaluation');
    const c = ev.metrics;
    const ch = ev.champion!.metrics;
    expect(e).toContain('champion v3');
    expect(e).toContain(`<td class="better num">${fmtDelta(c.roc_auc! - ch.roc_auc!)}</td>`);
    // log_loss went down: better, although the delta is negative.
    expect(c.log_loss! - ch.log_loss!).toBeLessThan(0);
    expect(e).toContain(`<td class="better num">${fmtDelta(c.log_loss! - ch.log_loss!)}</td>`);
    expect(e).toContain(`<td class="worse num">${fmtDelta(c.recall! - ch.recall!)}</td>`);
    expect(e).toContain('<td class="same num">0</td>');
  });

  it('writes the confusion counts, row shares and per-class precision/recall', async () => {
    const e = sectionHtml(html, 'evaluation');
    const m = ev.confusion!;
    const total = m.flat().reduce((s, v) => s + v, 0);
    expect(total).toBe(y.length);
    for (const v of m.flat()) expect(e).toContain(`>${fmtCount(v)}</text>`);
    expect(e).toContain(`>${fmtPct(m[1]![1]! / (m[1]![0]! + m[1]![1]!))}</text>`);
    expect(e).toContain(`<td class="num">${fmtNum(m[1]![1]! / (m[1]![1]! + m[0]![1]!))}</td>`); // precision of "delayed"
  });

  it('overlays champion on the ROC curve, each downsampled to ≤ 500 points, AUC in the legend', async () => {
    expect(ev.rocCurve!.fpr.length).toBeGreaterThan(1000);
    const lines = vegaMarks(sectionHtml(html, 'evaluation'), 'curve').map(([m]) => /\sd="([^"]*)"/.exec(m!)![1]!);
    expect(lines).toHaveLength(2); // candidate, then champion (dashed)
    expect(vegaMarks(html, 'curve')[1]![0]).toContain('stroke-dasharray');
    for (const d of lines) {
      const pts = d.split(/[ML]/).filter(Boolean).length;
      expect(pts).toBeLessThanOrEqual(500);
      expect(pts).toBeGreaterThan(100);
    }
    expect(html).toContain(`candidate — AUC ${fmtNum(ev.metrics.roc_auc)}`);
    expect(html).toContain(`champion v3 — AUC ${fmtNum(ev.champion!.metrics.roc_auc)}`);
    expect(vegaMarks(html, 'chance')).toHaveLength(1);
  });

  it('lists gate checks, registration and artifacts as text, and loads nothing', async () => {
    const g = sectionHtml(html, 'gate');
    expect(count(g, /<span class="badge b-ok">pass<\/span>/)).toBe(3);
    expect(g).not.toContain('<mark>');
    expect(sectionHtml(html, 'artifacts')).toContain('<code>s3://tideflow/models/flights_delay/4/model.json</code>');
    expectSelfContained(html);
  });

  it('puts params in a collapsible block and an always-open copy for print', async () => {
    expect(html).toMatch(/<details class="params"><summary>Params \(5 keys\)<\/summary><pre>\{\n {2}&quot;source&quot;/);
    expect(html).toContain('&quot;l2&quot;: [0.0001, 0.001, 0.01, 0.1]');
    expect(count(html, /&quot;minRocAuc&quot;: 0.7/)).toBe(2);
  });
});

describe('renderRunReport: a rejected run', () => {
  const r = rejectedReport();
  r.evaluation = multiclassEvaluation();
  let html: string;
  beforeAll(async () => {
    html = await renderRunReport(r);
  });

  it('shows NOT BLESSED with the failed check and the reason', async () => {
    expect(html).toMatch(
      /<strong>✘ NOT BLESSED<\/strong><span>failed: roc_auc · rejected: roc_auc regressed by 0.0213 against champion v3<\/span>/,
    );
    const g = sectionHtml(html, 'gate');
    expect(g).toContain('<tr class="row-error">');
    expect(g).toContain('<td class="bad"><mark>>= -0.005 vs champion</mark></td>');
    expect(count(g, /<mark>/)).toBe(1);
    expect(g).toContain('1 of 2 checks passed');
    expect(sectionHtml(html, 'registration')).toContain('not registered');
  });

  it('draws a 3×3 confusion matrix with labels and no ROC curve', async () => {
    const e = sectionHtml(html, 'evaluation');
    expect(count(e, /class="c-(?:diag|off)"/)).toBe(9);
    expect(count(e, /class="c-diag"/)).toBe(3);
    for (const c of ['Adelie', 'Chinstrap', 'Gentoo']) expect(e).toContain(`>${c}</text>`);
    expect(e).not.toContain('ROC curve');
    expect(e).toContain('<td class="num">0.9706</td>');
  });
});
