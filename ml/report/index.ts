/**
 * The HTML run report: a pure renderer (no Node I/O) from RunReportData to one self-contained
 * HTML document, built from preact components (escaping by default) with Vega-Lite charts
 * rendered to SVG. Async because Vega renders asynchronously. The report activity gathers the
 * data and stores the result as an artifact.
 */
export { renderRunReport } from './render';
export { higherIsBetter, fmtNum, fmtCount } from './format';
export { esc } from './escape';
export { curveAuc, downsampleCurve, MAX_ROC_POINTS } from './charts/curves';
export { MAX_COLUMNS, MAX_TOP_VALUES } from './sections/columns';
export type * from './types';
export { reportColumnsFromStatistics } from './from-statistics';
