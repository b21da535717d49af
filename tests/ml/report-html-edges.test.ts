/**
 * The HTML run report renderer (pure) on hostile and incomplete input: every user field escaped,
 * no external resource, sections present exactly when their data is, bounded output for large
 * inputs, and malformed sections turned into notes.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fmtNum, renderRunReport, type RunReportData } from '../../ml/report';
import { esc } from '../../ml/report/escape';
import { edgeReport, HOSTILE, hostileReport, runOnlyReport, wideReport } from './fixtures/report-edge-fixtures';
import { realisticReport } from './fixtures/report-fixtures';
import { count, expectSelfContained, sectionHtml, SECTIONS, shownText, vegaMarks } from './report-html-helpers';

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
