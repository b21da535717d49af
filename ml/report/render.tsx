/**
 * renderRunReport: one self-contained HTML5 document for a run — inline CSS, inline SVG, no
 * script and no external resource — so it can be stored as an artifact and opened anywhere,
 * offline, years later. Sections appear only for the data given; the contents list names the
 * missing ones. Charts with axes are Vega-Lite specifications rendered to SVG first (async);
 * then each section is rendered by preact on its own, so a section whose data is malformed
 * becomes an explanation instead of failing the whole report (the report runs last, after the
 * run's real work is done).
 */
import type { ComponentChildren, JSX } from 'preact';
import { render } from 'preact-render-to-string';
import { renderChart, type ChartResult } from './charts/chart';
import { Note, Section } from './components';
import { AnomaliesSection, DataSection, SplitSection } from './sections/data';
import { EvaluationSection, rocChartSpec, type EvaluationCharts } from './sections/evaluation';
import { importanceChartSpecs } from './sections/importance';
import { ArtifactsSection, GateSection, RegistrationSection } from './sections/outcome';
import { RunBanner, RunSection } from './sections/run';
import { thresholdsChartSpec } from './sections/thresholds';
import { tuningChartSpec, TuningSection } from './sections/tuning';
import { STYLE } from './style';
import type { RunReportData } from './types';

interface Charts extends EvaluationCharts {
  trials?: ChartResult;
}

interface Part {
  id: string;
  title: string;
  view: (() => JSX.Element) | undefined;
}

/** Each section rendered on its own: one that throws becomes a note naming the section and the error. */
function safely(id: string, title: string, view: () => JSX.Element): string {
  try {
    return render(view());
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return render(
      <Section id={id} title={title}>
        <Note>This section could not be rendered from the data given: {why}</Note>
      </Section>,
    );
  }
}

/** Output of preact's renderer (escaped by construction) placed into the document. */
const Rendered = ({ html }: { html: string }): JSX.Element => <div class="part" dangerouslySetInnerHTML={{ __html: html }} />;

function checkRun(d: RunReportData): void {
  if (typeof d !== 'object' || d === null) throw new TypeError('renderRunReport: expected a RunReportData object');
  const r = d.run as Partial<RunReportData['run']> | undefined;
  if (typeof r !== 'object' || r === null) throw new TypeError('renderRunReport: data.run (the run identity) is required');
  for (const k of ['dagId', 'workflowId', 'modelName'] as const) {
    if (typeof r[k] !== 'string')
      throw new TypeError(`renderRunReport: data.run.${k} must be a string, got ${r[k] === null ? 'null' : typeof r[k]}`);
  }
}

/** Every Vega chart of the report, rendered in parallel; a spec that cannot even be built is a chart error. */
async function renderCharts(d: RunReportData): Promise<Charts> {
  const specs: [keyof Charts, () => Record<string, unknown> | undefined, string][] = [];
  if (d.tuning) specs.push(['trials', () => tuningChartSpec(d.tuning!), `Cross-validated ${d.tuning.metric} per trial (mean ± std)`]);
  const e = d.evaluation;
  if (e) {
    specs.push(['roc', () => rocChartSpec(e), 'ROC curve']);
    if (e.thresholds) specs.push(['thresholds', () => thresholdsChartSpec(e.thresholds!), 'Precision, recall and F1 by threshold']);
    if (e.importance) {
      const imp = () => importanceChartSpecs(e.importance!);
      specs.push(['modelImportance', () => imp().modelImportance, 'Feature importance (model)']);
      specs.push(['permutationImportance', () => imp().permutationImportance, 'Permutation importance']);
    }
  }
  const out: Charts = {};
  await Promise.all(
    specs.map(async ([key, build, label]) => {
      let spec: Record<string, unknown> | undefined;
      try {
        spec = build();
      } catch (err) {
        out[key] = { error: err instanceof Error ? err.message : String(err) };
        return;
      }
      if (spec) out[key] = await renderChart(spec, label);
    }),
  );
  return out;
}

function Document(p: { d: RunReportData; parts: readonly Part[]; sections: readonly string[]; head: string; run: string }): JSX.Element {
  const r = p.d.run;
  const present = p.parts.filter((x) => x.view !== undefined);
  const missing = p.parts.filter((x) => x.view === undefined);
  const toc: ComponentChildren = (
    <nav class="toc" aria-label="Contents">
      {present.map((x) => (
        <a href={`#${x.id}`}>{x.title}</a>
      ))}
      {missing.length > 0 && <span class="muted">Not in this run: {missing.map((x) => x.title).join(', ')}</span>}
    </nav>
  );
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{`Run report · ${r.dagId} · ${r.runId ?? r.workflowId}`}</title>
        <style dangerouslySetInnerHTML={{ __html: STYLE }} />
      </head>
      <body>
        <main>
          <header>
            <h1>
              Run report: {r.dagId} <span class="muted">· model {r.modelName}</span>
            </h1>
            <Rendered html={p.head} />
          </header>
          <Rendered html={p.run} />
          {toc}
          {p.sections.map((html) => (
            <Rendered html={html} />
          ))}
          <footer>
            Tideflow run report · workflow {r.workflowId}
            {r.runId ? ` · run ${r.runId}` : ''} · self-contained: no scripts, no external resources.
          </footer>
        </main>
      </body>
    </html>
  );
}

export async function renderRunReport(d: RunReportData): Promise<string> {
  checkRun(d);
  const charts = await renderCharts(d);
  const parts: Part[] = [
    { id: 'data', title: 'Data', view: d.data && (() => <DataSection d={d.data!} anomalies={d.anomalies ?? []} />) },
    { id: 'anomalies', title: 'Anomalies', view: d.anomalies && (() => <AnomaliesSection list={d.anomalies!} />) },
    { id: 'split', title: 'Split', view: d.split && (() => <SplitSection s={d.split!} />) },
    { id: 'tuning', title: 'Tuning', view: d.tuning && (() => <TuningSection t={d.tuning!} chart={charts.trials} />) },
    { id: 'evaluation', title: 'Evaluation', view: d.evaluation && (() => <EvaluationSection e={d.evaluation!} charts={charts} />) },
    { id: 'gate', title: 'Gate', view: d.gate && (() => <GateSection g={d.gate!} />) },
    { id: 'registration', title: 'Registration', view: d.registration && (() => <RegistrationSection r={d.registration!} />) },
    { id: 'artifacts', title: 'Artifacts', view: d.artifacts && (() => <ArtifactsSection list={d.artifacts!} />) },
  ];
  const sections = parts.flatMap((p) => (p.view ? [safely(p.id, p.title, p.view)] : []));
  const head = safely('run', 'Run', () => <RunBanner d={d} />);
  const run = safely('run', 'Run', () => <RunSection d={d} />);
  return `<!DOCTYPE html>\n${render(<Document d={d} parts={parts} sections={sections} head={head} run={run} />)}\n`;
}
