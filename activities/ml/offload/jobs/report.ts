/**
 * The run report's rendering: Vega-Lite compiles and renders half a dozen charts to SVG, then
 * preact renders the sections — several hundred milliseconds of synchronous work that would
 * otherwise stall the worker's event loop (heartbeats, queries, other tasks) at the end of a run.
 * The HTML comes back as UTF-8 bytes (transferred, not cloned). The evaluation artifact's ROC
 * curves and thresholds are read here from its JSON bytes (parsing and checking ~100k-point curves
 * at 500k test rows is itself a few hundred milliseconds of the event loop, with its garbage).
 */
import { renderRunReport, type RunReportData } from '../../../../ml/report';
import { withEvaluationArtifact } from '../../evaluation-artifact';

export interface RenderReportInput {
  data: RunReportData;
  /** The evaluation artifact's JSON (read and verified by the activity): its ROC curves and thresholds complete data.evaluation. */
  evaluation?: { json: Uint8Array; uri: string };
}

export async function renderReport(input: RenderReportInput, progress: (details: unknown) => void): Promise<{ html: Uint8Array }> {
  progress({ phase: 'rendering report' });
  const { data, evaluation } = input;
  const full: RunReportData =
    evaluation && data.evaluation
      ? { ...data, evaluation: withEvaluationArtifact(data.evaluation, evaluation.json, evaluation.uri) }
      : data;
  return { html: new TextEncoder().encode(await renderRunReport(full)) };
}
