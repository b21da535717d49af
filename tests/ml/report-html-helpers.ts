/** What the HTML report tests look for in a rendered report: its sections, Vega marks, escaped text, no external resource. */
import { expect } from 'vitest';

export const SECTIONS = ['data', 'anomalies', 'split', 'tuning', 'evaluation', 'gate', 'registration', 'artifacts'] as const;

export const count = (html: string, re: RegExp): number =>
  (html.match(new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`)) ?? []).length;
/** How preact-render-to-string escapes text: &, < and " (a > cannot open markup). */
export const shownText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
/** The elements Vega drew for a named layer (`<name>_marks` group), as [tag, attributes] pairs. */
export const vegaMarks = (html: string, name: string): string[][] =>
  [...html.matchAll(new RegExp(`<g class="[^"]*\\b${name}_marks"[^>]*?(?:/>|>(.*?)</g>)`, 'g'))]
    .map((m) => [...(m[1] ?? '').matchAll(/<(path|line|text)\b([^>]*)/g)].map((x) => `${x[1]} ${x[2]}`))
    .flat()
    .map((x) => [x]);
/** The HTML of the report section with this id (up to its closing tag); throws when it is absent. */
export const sectionHtml = (html: string, id: string): string => {
  const start = html.indexOf(`<section id="${id}"`);
  if (start < 0) throw new Error(`section ${id} missing`);
  return html.slice(start, html.indexOf('</section>', start));
};

/** Everything that would make a browser fetch something, or run something. */
export function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/\b(?:src|href|xlink:href|action|poster|srcset|data)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|\/\/)/i);
  expect(html).not.toMatch(/url\s*\(/i);
  expect(html).not.toMatch(/@import/i);
  expect(html).not.toMatch(/<(?:script|link|iframe|object|embed|img|image|use|base|meta\s+http-equiv)\b/i);
  expect(html).not.toMatch(/https?:\/\/(?!example\.com\/data\.csv|evil\.example)/i);
  // Every link stays inside the document.
  for (const m of html.matchAll(/href="([^"]*)"/g)) expect(m[1]).toMatch(/^#[a-z]+$/);
}
