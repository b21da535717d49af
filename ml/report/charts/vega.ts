/**
 * Vega-Lite specifications compiled and rendered to SVG in Node at report time (Vega's headless
 * `renderer: 'none'` view, `toSVG()`), so the report stays one static file: no script, no font,
 * no URL. Vega escapes every text it writes; `checkedSvg` still refuses anything that could run or
 * load (a defect in a spec or in Vega must not become an injection), strips the XML namespaces
 * (inline SVG in HTML needs none) and replaces the root element's attributes with ours (class,
 * role, escaped label). Colours of text, axes and grid come from the report's CSS (theme, print).
 */
import { esc } from '../escape';

/** vega and vega-lite are ESM-only (vega-canvas uses top-level await): loaded once, dynamically. */
type Libraries = [typeof import('vega'), typeof import('vega-lite')];
let libraries: Promise<Libraries> | undefined;
const load = (): Promise<Libraries> => (libraries ??= Promise.all([import('vega'), import('vega-lite')]));

/** Shared look: no background, system font, compact axes; colours overridden by CSS classes. */
export const BASE_CONFIG = {
  background: null,
  aria: false,
  font: 'system-ui, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 10, titleFontSize: 11, titleFontWeight: 600, gridOpacity: 1 },
  legend: { labelFontSize: 11, titleFontSize: 11, orient: 'bottom', direction: 'vertical', labelLimit: 400 },
  range: { category: ['#2f6fdd', '#d9730d', '#1a7f37', '#8250df'] },
};

/** What must never appear in a chart's markup: active content, external references, links. */
const FORBIDDEN_TAG = /<\/?(?:script|foreignObject|iframe|object|embed|image|img|use|a|style|link|animate|set)\b/i;
const FORBIDDEN_ATTR = /\s(?:on[a-z]+|href|xlink:href|src|style)\s*=/i;
const FORBIDDEN_VALUE = /url\s*\(|javascript:|@import/i;

/** The first forbidden thing in the markup (text nodes are ignored: Vega escapes them). */
function forbidden(body: string): string | undefined {
  const tags = body.replace(/>[^<]*</g, '><');
  return (FORBIDDEN_TAG.exec(tags) ?? FORBIDDEN_ATTR.exec(tags.replace(/"[^"]*"/g, '""')) ?? FORBIDDEN_VALUE.exec(tags))?.[0];
}

export class ChartError extends Error {
  override readonly name = 'ChartError';
}

/** Vega's SVG made fit for inline HTML, or a ChartError saying what was refused. */
export function checkedSvg(svg: string, label: string): string {
  const open = /^<svg\b[^>]*>/.exec(svg);
  if (!open) throw new ChartError('the chart renderer returned no <svg> element');
  const width = /\bwidth="([\d.]+)"/.exec(open[0])?.[1];
  const height = /\bheight="([\d.]+)"/.exec(open[0])?.[1];
  if (!width || !height) throw new ChartError('the chart has no size');
  const body = svg.slice(open[0].length);
  const bad = forbidden(body);
  if (bad) throw new ChartError(`the chart contained forbidden markup (${bad.trim()})`);
  const root = `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(label)}"><title>${esc(label)}</title>`;
  return root + body;
}

/** Compile a Vega-Lite spec and render it to a checked SVG string; nothing is ever loaded. */
export async function vegaLiteSvg(spec: Record<string, unknown>, label: string): Promise<string> {
  const [vega, vl] = await load();
  const compiled = vl.compile({ ...spec, config: { ...BASE_CONFIG, ...(spec.config as object | undefined) } } as never).spec;
  const refuse = (): Promise<never> => Promise.reject(new ChartError('charts load no data'));
  const loader = { load: refuse, sanitize: refuse, http: refuse, file: refuse } as unknown as ReturnType<typeof vega.loader>;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader });
  try {
    return checkedSvg(await view.toSVG(), label);
  } finally {
    view.finalize();
  }
}
