/**
 * renderRunReport: one self-contained HTML5 document for a run — inline CSS, inline SVG, no
 * script and no external resource — so it can be stored as an artifact and opened anywhere,
 * offline, years later. Sections appear only for the data given; the contents list names the
 * missing ones. A section whose data is malformed renders an explanation instead of failing the
 * whole report (the report runs last, after the run's real work is done).
 */
import { esc } from './escape';
import { anomaliesSection, dataSection, splitSection } from './sections/data';
import { evaluationSection } from './sections/evaluation';
import { note, section } from './sections/html';
import { artifactsSection, gateSection, registrationSection } from './sections/outcome';
import { banner, runSection } from './sections/run';
import { tuningSection } from './sections/tuning';
import { STYLE } from './style';
import type { RunReportData } from './types';

interface Part {
  id: string;
  title: string;
  render: (() => string) | undefined;
}

/** A section that throws becomes a note naming the section and the error. */
function safely(p: Part & { render: () => string }): string {
  try {
    return p.render();
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return section(p.id, p.title, note(`This section could not be rendered from the data given: ${esc(why)}`));
  }
}

function checkRun(d: RunReportData): void {
  if (typeof d !== 'object' || d === null) throw new TypeError('renderRunReport: expected a RunReportData object');
  const r = d.run as Partial<RunReportData['run']> | undefined;
  if (typeof r !== 'object' || r === null) throw new TypeError('renderRunReport: data.run (the run identity) is required');
  for (const k of ['dagId', 'workflowId', 'modelName'] as const) {
    if (typeof r[k] !== 'string')
      throw new TypeError(`renderRunReport: data.run.${k} must be a string, got ${r[k] === null ? 'null' : typeof r[k]}`);
  }
}

export function renderRunReport(d: RunReportData): string {
  checkRun(d);
  const parts: Part[] = [
    { id: 'data', title: 'Data', render: d.data && (() => dataSection(d.data!, d.anomalies ?? [])) },
    { id: 'anomalies', title: 'Anomalies', render: d.anomalies && (() => anomaliesSection(d.anomalies!)) },
    { id: 'split', title: 'Split', render: d.split && (() => splitSection(d.split!)) },
    { id: 'tuning', title: 'Tuning', render: d.tuning && (() => tuningSection(d.tuning!)) },
    { id: 'evaluation', title: 'Evaluation', render: d.evaluation && (() => evaluationSection(d.evaluation!)) },
    { id: 'gate', title: 'Gate', render: d.gate && (() => gateSection(d.gate!)) },
    { id: 'registration', title: 'Registration', render: d.registration && (() => registrationSection(d.registration!)) },
    { id: 'artifacts', title: 'Artifacts', render: d.artifacts && (() => artifactsSection(d.artifacts!)) },
  ];
  const present = parts.filter((p): p is Part & { render: () => string } => p.render !== undefined);
  const missing = parts.filter((p) => p.render === undefined);
  const toc =
    `<nav class="toc" aria-label="Contents">${present.map((p) => `<a href="#${p.id}">${esc(p.title)}</a>`).join('')}` +
    (missing.length ? `<span class="muted">Not in this run: ${missing.map((p) => esc(p.title)).join(', ')}</span>` : '') +
    '</nav>';
  const r = d.run;
  const title = `Run report · ${r.dagId} · ${r.runId ?? r.workflowId}`;
  const head = `<header><h1>Run report: ${esc(r.dagId)} <span class="muted">· model ${esc(r.modelName)}</span></h1>${safely({ id: 'run', title: 'Run', render: () => banner(d) })}</header>`;
  const body = [safely({ id: 'run', title: 'Run', render: () => runSection(d) }), toc, ...present.map(safely)].join('\n');
  return (
    '<!DOCTYPE html>\n' +
    `<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark">` +
    `<title>${esc(title)}</title><style>${STYLE}</style></head>\n` +
    `<body><main>${head}\n${body}\n<footer>Tideflow run report · workflow ${esc(r.workflowId)}${r.runId ? ` · run ${esc(r.runId)}` : ''} · self-contained: no scripts, no external resources.</footer></main></body></html>\n`
  );
}
