/**
 * The report's head: the run's identity, the gate verdict as a banner (BLESSED / NOT BLESSED, or
 * no decision when the run ended before the gate), and the params as a collapsible JSON block.
 */
import { displayJson, esc } from '../escape';
import { fmtCount } from '../format';
import type { RunReportData } from '../types';
import { code, facts } from './html';

/** The verdict banner; its text is what a reader (and a test) looks for first. */
export function banner(d: RunReportData): string {
  const reg = d.registration;
  const details: string[] = [];
  if (reg?.version !== undefined) details.push(`registered as ${esc(d.run.modelName)} version ${esc(fmtCount(reg.version))}`);
  if (reg?.promoted === true) details.push('promoted to champion');
  else if (reg?.promoted === false && reg.version !== undefined) details.push('not promoted');
  if (reg?.aliases?.length) details.push(`aliases: ${reg.aliases.map((a) => esc(a)).join(', ')}`);
  if (reg?.rejectedReason) details.push(`rejected: ${esc(reg.rejectedReason)}`);
  if (!d.gate) {
    const why = d.evaluation ? 'the gate did not run' : 'the run ended before evaluation';
    return `<div class="banner banner-none" role="status"><strong>NO GATE DECISION</strong><span>${[why, ...details].join(' · ')}</span></div>`;
  }
  const failed = d.gate.checks.filter((c) => !c.passed);
  if (d.gate.blessed) {
    const s = `${d.gate.checks.length} gate check${d.gate.checks.length === 1 ? '' : 's'} passed`;
    return `<div class="banner banner-ok" role="status"><strong>✔ BLESSED</strong><span>${[s, ...details].join(' · ')}</span></div>`;
  }
  const s = failed.length ? `failed: ${failed.map((c) => esc(c.metric)).join(', ')}` : esc(d.gate.note ?? 'no failing check recorded');
  return `<div class="banner banner-bad" role="status"><strong>✘ NOT BLESSED</strong><span>${[s, ...details].join(' · ')}</span></div>`;
}

export function runSection(d: RunReportData): string {
  const r = d.run;
  const paramCount = r.params && typeof r.params === 'object' ? Object.keys(r.params).length : 0;
  const identity = facts([
    ['DAG', code(r.dagId)],
    ['model', code(r.modelName)],
    ['workflow id', code(r.workflowId)],
    r.runId ? ['run id', code(r.runId)] : undefined,
    r.logicalDate ? ['logical date', esc(r.logicalDate)] : undefined,
    r.trigger ? ['trigger', esc(r.trigger)] : undefined,
    r.startedAt ? ['started', esc(r.startedAt)] : undefined,
  ]);
  const json = esc(displayJson(r.params ?? {}));
  const label = `Params (${esc(paramCount)} key${paramCount === 1 ? '' : 's'})`;
  // Collapsed on screen; a closed <details> prints nothing, so paper gets an always-open copy.
  const params = `<details class="params"><summary>${label}</summary><pre>${json}</pre></details><div class="print-only"><h3>${label}</h3><pre>${json}</pre></div>`;
  return `<section id="run" class="section">${identity}${params}</section>`;
}
