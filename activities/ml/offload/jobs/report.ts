/**
 * The run report's rendering: Vega-Lite compiles and renders half a dozen charts to SVG, then
 * preact renders the sections — several hundred milliseconds of synchronous work that would
 * otherwise stall the worker's event loop (heartbeats, queries, other tasks) at the end of a run.
 * The HTML comes back as UTF-8 bytes (transferred, not cloned).
 */
import { renderRunReport, type RunReportData } from '../../../../ml/report';

export async function renderReport(input: { data: RunReportData }, progress: (details: unknown) => void): Promise<{ html: Uint8Array }> {
  progress({ phase: 'rendering report' });
  return { html: new TextEncoder().encode(await renderRunReport(input.data)) };
}
