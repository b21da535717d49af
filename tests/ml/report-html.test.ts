/**
 * The HTML run report renderer (pure): document structure, sections present exactly when their
 * data is, numbers and verdicts in the output, escaping of every user field, no external
 * resource, bounded output for large inputs, and the helpers (number formats, metric direction,
 * ROC downsampling/AUC).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  curveAuc,
  downsampleCurve,
  fmtCount,
  fmtNum,
  higherIsBetter,
  renderRunReport,
  reportColumnsFromStatistics,
  type RunReportData,
} from '../../ml/report';
import { computeStatistics } from '../../ml/validation';
import type { Frame } from '../../ml/frame/frame';
import { compareMetric } from '../../ml/report/sections/evaluation';
import { displayJson, esc } from '../../ml/report/escape';
import { fmtDelta, fmtPct, fmtTimestamp } from '../../ml/report/format';
import {
  edgeReport,
  HOSTILE,
  hostileReport,
  multiclassEvaluation,
  realisticReport,
  rejectedReport,
  runOnlyReport,
  wideReport,
} from './fixtures/report-fixtures';

const SECTIONS = ['data', 'anomalies', 'split', 'tuning', 'evaluation', 'gate', 'registration', 'artifacts'] as const;

const count = (html: string, re: RegExp): number =>
  (html.match(new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`)) ?? []).length;
/** How preact-render-to-string escapes text: &, < and " (a > cannot open markup). */
const shownText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
/** The elements Vega drew for a named layer (`<name>_marks` group), as [tag, attributes] pairs. */
const vegaMarks = (html: string, name: string): string[][] =>
  [...html.matchAll(new RegExp(`<g class="[^"]*\\b${name}_marks"[^>]*?(?:/>|>(.*?)</g>)`, 'g'))]
    .map((m) => [...(m[1] ?? '').matchAll(/<(path|line|text)\b([^>]*)/g)].map((x) => `${x[1]} ${x[2]}`))
    .flat()
    .map((x) => [x]);
const sectionHtml = (html: string, id: string): string => {
  const start = html.indexOf(`<section id="${id}"`);
  if (start < 0) throw new Error(`section ${id} missing`);
  return html.slice(start, html.indexOf('</section>', start));
};

/** Everything that would make a browser fetch something, or run something. */
function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/\b(?:src|href|xlink:href|action|poster|srcset|data)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|\/\/)/i);
  expect(html).not.toMatch(/url\s*\(/i);
  expect(html).not.toMatch(/@import/i);
  expect(html).not.toMatch(/<(?:script|link|iframe|object|embed|img|image|use|base|meta\s+http-equiv)\b/i);
  expect(html).not.toMatch(/https?:\/\/(?!example\.com\/data\.csv|evil\.example)/i);
  // Every link stays inside the document.
  for (const m of html.matchAll(/href="([^"]*)"/g)) expect(m[1]).toMatch(/^#[a-z]+$/);
}

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

describe('renderRunReport: escaping', () => {
  let html: string;
  beforeAll(async () => {
    html = await renderRunReport(hostileReport());
  });

  it('never emits user markup: no script, no img, no event handler attributes', async () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<svg onload/i);
    expect(html).not.toMatch(/<b>bold/);
    // No event-handler attribute in any real tag (quoted attribute values removed first: user text
    // inside them is escaped, so it cannot close the quote).
    expect(html.replace(/"[^"]*"/g, '""')).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
    expect(html).toContain('aria-label="Histogram of &lt;svg onload=alert(1)>"');
    expect(html).not.toMatch(/<\/pre><script/);
  });

  it('shows user text escaped, in every section', async () => {
    const shown = shownText(HOSTILE);
    expect(shown).toBe('&lt;script>alert(&quot;x&quot;)&lt;/script>');
    expect(esc(HOSTILE)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain(`<title>Run report · dag ${shownText(`${HOSTILE}'"&`)} · r&quot;1</title>`);
    for (const id of ['run', ...SECTIONS]) expect(sectionHtml(html, id)).toContain(shown);
    expect(html).toContain('&quot;v&quot; &amp; &lt;b>bold&lt;/b>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)>');
    expect(html).toContain('&lt;svg onload=alert(1)>');
    expect(html).toContain('[&quot;NaN&quot;, &quot;Infinity&quot;, &quot;-Infinity&quot;]');
  });

  it('keeps URLs given as data as text, never as links or sources', async () => {
    expectSelfContained(html);
    expect(html).toContain('<code>http://evil.example/x.js</code>');
    expect(html).toContain('<code>javascript:alert(1)</code>');
    expect(html).toContain('<code>https://example.com/data.csv?a=1&amp;b=&lt;x></code>');
  });
});

describe('renderRunReport: partial and edge-case runs', () => {
  it('a run that failed early shows only its identity and names the missing sections', async () => {
    const html = await renderRunReport(runOnlyReport());
    for (const id of SECTIONS) expect(html).not.toContain(`id="${id}"`);
    expect(html).toContain('<section id="run"');
    expect(html).toContain('Not in this run: Data, Anomalies, Split, Tuning, Evaluation, Gate, Registration, Artifacts');
    expect(html).toContain('<strong>NO GATE DECISION</strong><span>the run ended before evaluation</span>');
    expect(html).not.toContain('<svg');
    expect(html).toContain('Params (0 keys)');
    expectSelfContained(html);
  });

  it('each section appears exactly when its data is given', async () => {
    const full = realisticReport().report;
    for (const id of SECTIONS) {
      const d: RunReportData = { ...runOnlyReport(), [id]: full[id] };
      const html = await renderRunReport(d);
      for (const other of SECTIONS) expect(html.includes(`<section id="${other}"`)).toBe(other === id);
    }
  });

  it('renders empty sections, NaN/Infinity metrics, a single class and a malformed ROC curve', async () => {
    const html = await renderRunReport(edgeReport());
    for (const id of SECTIONS) expect(html).toContain(`<section id="${id}"`);
    expect(html).toContain('The dataset has no columns.');
    expect(html).toContain('No anomalies found.');
    expect(html).toContain('No trials were run.');
    expect(html).toContain('#0 is not among the trials');
    expect(html).toContain('No checks were configured.');
    expect(html).toContain('No artifacts were recorded.');
    expect(html).toContain('<strong>✘ NOT BLESSED</strong>');
    const e = sectionHtml(html, 'evaluation');
    expect(e).toContain('<td class="num">NaN</td>');
    expect(e).toContain('<td class="num">Infinity</td>');
    expect(e).toContain('<td class="num">-Infinity</td>');
    expect(e).toContain('<td class="unknown num">NaN</td>'); // accuracy delta NaN − 0.9
    expect(e).toContain('Only one class is present');
    expect(count(e, /class="c-diag"/)).toBe(1);
    expect(e).toContain('Candidate curve not drawn: fpr has 3 points but tpr has 2.');
    expect(e).not.toContain('curve_marks');
    expect(html).not.toMatch(/\bundefined\b/);
    expectSelfContained(html);
  });

  it('1,000 columns: 50 shown in full, the rest counted, output bounded', async () => {
    const html = await renderRunReport(wideReport(1000));
    expect(count(html, /<div class="card">/)).toBe(50);
    expect(count(html, /<svg /)).toBe(50);
    expect(html).toContain('950 more columns not shown (first 50 of 1,000 shown)');
    expect(html).toContain('<code>col_69</code>, …');
    expect(html).not.toContain('col_70<');
    expect(html.length).toBeLessThan(300_000);
  });

  it('bounds top values, trials and ROC points', async () => {
    const base = realisticReport().report;
    const many = Array.from({ length: 500 }, (_, i) => ({ value: `v${i}`, count: 1000 - i }));
    base.data!.columns = [{ name: 'cat', type: 'string', count: 500_000, missing: 0, missingFraction: 0, topValues: many }];
    base.tuning!.trials = Array.from({ length: 300 }, (_, i) => ({ index: i, kind: 'gbt', hyperparams: { i }, mean: i / 300, std: 0.01 }));
    base.tuning!.bestIndex = 299;
    const n = 100_000;
    base.evaluation!.rocCurve = {
      fpr: Array.from({ length: n }, (_, i) => i / (n - 1)),
      tpr: Array.from({ length: n }, (_, i) => Math.sqrt(i / (n - 1))),
    };
    const html = await renderRunReport(base);
    expect(count(sectionHtml(html, 'data'), /<rect class="c-bar"/)).toBe(20);
    const t = sectionHtml(html, 'tuning');
    expect(vegaMarks(t, 'bar').length + vegaMarks(t, 'best').length).toBe(40);
    expect(count(t, /<tr[ >]/)).toBe(201);
    expect(t).toContain('the best 40 of 300 trials');
    expect(t).toContain('<tr class="row-best"><td>★ 299</td>'); // the best survives the cut
    const d = /\sd="([^"]*)"/.exec(vegaMarks(html, 'curve')[0]![0]!)![1]!;
    expect(d.split(/[ML]/).filter(Boolean).length).toBe(500);
    expect(html).toContain(`candidate — AUC ${fmtNum(2 / 3)}`);
  });

  it('a malformed section becomes a note; a missing run identity is a specific error', async () => {
    const d = realisticReport().report;
    (d.data!.columns as unknown[]).push(null);
    const html = await renderRunReport(d);
    expect(sectionHtml(html, 'data')).toContain('This section could not be rendered from the data given:');
    expect(html).toContain('<section id="evaluation"');
    await expect(renderRunReport({} as RunReportData)).rejects.toThrow('data.run (the run identity) is required');
    await expect(renderRunReport({ run: { dagId: 'd', workflowId: 'w', params: {} } } as unknown as RunReportData)).rejects.toThrow(
      'data.run.modelName must be a string, got undefined',
    );
  });
});

describe('report helpers', () => {
  it('higherIsBetter knows losses and errors, whatever the spelling', async () => {
    for (const m of [
      'log_loss',
      'logLoss',
      'cvLogLoss',
      'test_log_loss',
      'rmse',
      'RMSE',
      'mae',
      'mse',
      'brier_score',
      'hinge_loss',
      'error_rate',
    ])
      expect(higherIsBetter(m), m).toBe(false);
    for (const m of ['accuracy', 'cvAccuracy', 'roc_auc', 'macroF1', 'f1', 'precision', 'recall', 'r2', 'neg_log_loss'])
      expect(higherIsBetter(m), m).toBe(true);
    expect(compareMetric('rmse', 1, 2)).toBe('better');
    expect(compareMetric('accuracy', 0.8, 0.9)).toBe('worse');
    expect(compareMetric('accuracy', NaN, 0.9)).toBe('unknown');
  });

  it('formats numbers to 4 significant digits, counts with separators, non-finite as text', async () => {
    expect(fmtNum(0.951234)).toBe('0.9512');
    expect(fmtNum(12345.6)).toBe('12,350');
    expect(fmtNum(0.00001234)).toBe('1.234e-5');
    expect(fmtNum(2e20)).toBe('2e+20');
    expect(fmtNum(-0)).toBe('0');
    expect(fmtNum(NaN)).toBe('NaN');
    expect(fmtNum(-Infinity)).toBe('-Infinity');
    expect(fmtCount(1234567)).toBe('1,234,567');
    expect(fmtDelta(0.01234)).toBe('+0.01234');
    expect(fmtDelta(Infinity)).toBe('+Infinity');
    expect(fmtPct(0.1235)).toBe('12.35%');
    expect(fmtTimestamp(Date.UTC(2024, 2, 1))).toBe('2024-03-01');
    expect(fmtTimestamp(Date.UTC(2024, 2, 1, 12, 30))).toBe('2024-03-01 12:30');
  });

  it('ROC AUC by trapezoids and downsampling that keeps both ends', async () => {
    expect(curveAuc({ fpr: [0, 1], tpr: [0, 1] })).toBe(0.5);
    expect(curveAuc({ fpr: [0, 0, 1], tpr: [0, 1, 1] })).toBe(1);
    const n = 1234;
    const c = { fpr: Array.from({ length: n }, (_, i) => i / (n - 1)), tpr: Array.from({ length: n }, (_, i) => i / (n - 1)) };
    const d = downsampleCurve(c, 500);
    expect(d.fpr.length).toBe(500);
    expect([d.fpr[0], d.fpr[499], d.tpr[499]]).toEqual([0, 1, 1]);
    expect(downsampleCurve({ fpr: [0, 1], tpr: [0, 1] }).fpr).toEqual([0, 1]);
  });

  it('displayJson survives NaN, BigInt and cycles', async () => {
    const cyc: Record<string, unknown> = { n: NaN, b: 10n };
    cyc.self = cyc;
    expect(displayJson(cyc)).toBe('{\n  "n": "NaN",\n  "b": "10",\n  "self": "[circular]"\n}');
    expect(displayJson({ s: 'x'.repeat(50) }, 20)).toMatch(/more characters not shown\)$/);
  });
});

describe('reportColumnsFromStatistics (validation statistics → column cards)', () => {
  const frame: Frame = {
    rows: 6,
    columns: [
      { name: 'x', type: 'number', values: Float64Array.from([1, 2, 3, 4, NaN, Infinity]) },
      { name: 'b', type: 'boolean', values: Float64Array.from([1, 0, 1, NaN, 1, 0]) },
      { name: 's', type: 'string', values: ['a', 'b', 'a', null, null, 'c'] },
      { name: 'empty', type: 'timestamp', values: Float64Array.from([NaN, NaN, NaN, NaN, NaN, NaN]) },
    ],
  };
  const columns = reportColumnsFromStatistics(computeStatistics(frame).columns);
  const [x, b, s, empty] = columns;

  it('numeric: finite values only, the report quantiles p5…p95, population std, the validation histogram', async () => {
    // unique: 4 finite values + the +Infinity one (validation counts distinct present values).
    expect(x).toMatchObject({ name: 'x', type: 'number', count: 5, missing: 1, unique: 5, mean: 2.5, min: 1, max: 4 });
    expect(x!.missingFraction).toBeCloseTo(1 / 6, 15);
    expect(x!.std).toBeCloseTo(Math.sqrt(1.25), 15);
    const want: Record<string, number> = { p5: 1.15, p25: 1.75, p50: 2.5, p75: 3.25, p95: 3.85 }; // numpy.quantile([1, 2, 3, 4], …)
    expect(Object.keys(x!.quantiles!)).toEqual(Object.keys(want));
    for (const [k, v] of Object.entries(want)) expect(x!.quantiles![k]).toBeCloseTo(v, 12);
    // numpy.histogram([1, 2, 3, 4], bins=10)
    expect(x!.histogram!.counts).toEqual([1, 0, 0, 1, 0, 0, 1, 0, 0, 1]);
    expect(x!.histogram!.edges).toHaveLength(11);
    expect(x!.histogram!.edges[3]).toBeCloseTo(1.9, 12);
  });

  it('boolean and string: value counts; an all-missing column has no statistics', async () => {
    expect(b).toMatchObject({
      count: 5,
      missing: 1,
      unique: 2,
      topValues: [
        { value: 'true', count: 3 },
        { value: 'false', count: 2 },
      ],
    });
    expect(s).toMatchObject({
      count: 4,
      missing: 2,
      unique: 3,
      topValues: [
        { value: 'a', count: 2 },
        { value: 'b', count: 1 },
        { value: 'c', count: 1 },
      ],
    });
    expect(empty).toEqual({ name: 'empty', type: 'timestamp', count: 0, missing: 6, missingFraction: 1, unique: 0 });
  });

  it('renders: one chart per column with a distribution, a note for the empty one', async () => {
    const html = await renderRunReport({
      run: { dagId: 'd', workflowId: 'w', params: {}, modelName: 'm' },
      data: { source: 'mem', rows: 6, columns },
    });
    expect(count(html, /<svg /)).toBe(3);
    expect(html).toContain('No distribution recorded.');
    expect(html).toContain('<span>p95 3.85</span>');
  });
});
