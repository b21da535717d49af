/**
 * Injection: user text (column names, class labels, params, feature names, error messages) with
 * `<script>`, `"><img onerror>`, `</style>` and `<svg onload>` reaches every part of the report,
 * components and Vega charts alike, and nothing executable gets through: every tag in the output
 * is one the report itself writes, no event-handler attribute, one <style> element, no <script>.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { renderRunReport } from '../../ml/report';
import { checkedSvg } from '../../ml/report/charts/vega';
import { hostileReport } from './fixtures/report-edge-fixtures';
import { hostileInsightsReport } from './fixtures/report-insights-fixtures';

/** Every element the report writes (HTML and SVG). */
const ALLOWED = new Set(
  (
    'html head meta title style body main header footer nav section div span p a b strong mark code pre details summary h1 h2 h3 ' +
    'dl dt dd table thead tbody tr th td figure figcaption svg g rect line text path'
  ).split(' '),
);

function expectInert(html: string): void {
  expect(html).not.toMatch(/<script/i);
  const tags = new Set([...html.matchAll(/<\/?([a-zA-Z][\w:-]*)/g)].map((m) => m[1]!.toLowerCase()));
  expect([...tags].filter((t) => !ALLOWED.has(t))).toEqual([]);
  expect(html.match(/<style>/g)).toHaveLength(1);
  expect(html.match(/<\/style>/g)).toHaveLength(1); // a user's </style> never closes the stylesheet
  // No event-handler attribute in any tag (quoted values removed first: escaped user text cannot close a quote).
  expect(html.replace(/"[^"]*"/g, '""')).not.toMatch(/<[a-z][^>]*\son[a-z]+\s*=/i);
  // Attribute values never contain a raw quote or tag opener.
  for (const m of html.matchAll(/=\s*"([^"]*)"/g)) expect(m[1]).not.toMatch(/</);
  expect(html).not.toMatch(/javascript:(?!alert\(1\)<\/code>)/); // only shown as text in the artifacts table
}

describe('report injection', () => {
  let html: string;
  let legacy: string;
  beforeAll(async () => {
    [html, legacy] = await Promise.all([renderRunReport(hostileInsightsReport()), renderRunReport(hostileReport())]);
  });

  it('hostile feature names, class labels, params, split fields and metric names render as text', () => {
    expectInert(html);
    expectInert(legacy);
    expect(html).toContain('&quot;>&lt;img src=x onerror=alert(1)>'); // shown, escaped
    expect(html).toContain('&lt;/style>&lt;script>alert(2)&lt;/script>');
  });

  it('in Vega charts too: feature names are escaped axis labels, and the charts were drawn (not refused)', () => {
    expect(html).not.toContain('could not be drawn');
    const charts = [...html.matchAll(/<div class="vchart">(.*?)<\/svg><\/div>/g)].map((m) => m[1]!);
    expect(charts.length).toBeGreaterThanOrEqual(4); // trials, ROC, thresholds, 2 importances
    const labels = charts.join('');
    expect(labels).toContain('3. &lt;/style&gt;&lt;script&gt;alert(2…'); // clipped label, escaped by Vega
    expect(labels).not.toMatch(/<(?:img|script|style)/i);
  });

  it('a section that throws an error with markup in its message shows it as text', async () => {
    const r = hostileInsightsReport();
    Object.defineProperty(r.data!.columns, 'slice', {
      value: () => {
        throw new Error('<img src=x onerror=alert(9)></style><script>alert(9)</script>');
      },
    });
    const out = await renderRunReport(r);
    expect(out).toContain('This section could not be rendered from the data given: &lt;img src=x onerror=alert(9)>&lt;/style>&lt;script>');
    expectInert(out);
  });

  it('checkedSvg refuses active or loading markup a chart might contain, but not text that looks like it', () => {
    const wrap = (body: string): string => `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">${body}</svg>`;
    expect(() => checkedSvg(wrap('<script>alert(1)</script>'), 'x')).toThrow('forbidden markup (<script)');
    expect(() => checkedSvg(wrap('<g onload="alert(1)"></g>'), 'x')).toThrow('forbidden markup (onload=)');
    expect(() => checkedSvg(wrap('<image href="http://evil.example/x.png"/>'), 'x')).toThrow('forbidden markup (<image)');
    expect(() => checkedSvg(wrap('<rect fill="url(http://evil.example/#p)"/>'), 'x')).toThrow('forbidden markup (url()');
    expect(() => checkedSvg(wrap('<foreignObject><div/></foreignObject>'), 'x')).toThrow('forbidden markup (<foreignObject)');
    expect(() => checkedSvg('<div>no svg</div>', 'x')).toThrow('no <svg> element');
    const ok = checkedSvg(wrap('<text>onload=alert(1) url(x) &lt;script&gt;</text>'), 'a "label" <b>');
    expect(ok).toBe(
      '<svg class="chart" viewBox="0 0 10 10" width="10" height="10" role="img" aria-label="a &quot;label&quot; &lt;b&gt;"><title>a &quot;label&quot; &lt;b&gt;</title><text>onload=alert(1) url(x) &lt;script&gt;</text></svg>',
    );
  });
});
