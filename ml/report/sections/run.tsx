/**
 * The report's head: the run's identity, the gate verdict as a banner (BLESSED / NOT BLESSED, or
 * no decision when the run ended before the gate), and the params as a collapsible JSON block.
 */
import type { JSX } from 'preact';
import { Code, Facts } from '../components';
import { displayJson } from '../escape';
import { fmtCount } from '../format';
import type { RunReportData } from '../types';

function Banner(p: { cls: string; head: string; details: readonly string[] }): JSX.Element {
  return (
    <div class={`banner ${p.cls}`} role="status">
      <strong>{p.head}</strong>
      <span>{p.details.join(' · ')}</span>
    </div>
  );
}

/** The verdict banner; its text is what a reader (and a test) looks for first. */
export function RunBanner({ d }: { d: RunReportData }): JSX.Element {
  const reg = d.registration;
  const details: string[] = [];
  if (reg?.version !== undefined) details.push(`registered as ${d.run.modelName} version ${fmtCount(reg.version)}`);
  if (reg?.promoted === true) details.push('promoted to champion');
  else if (reg?.promoted === false && reg.version !== undefined) details.push('not promoted');
  if (reg?.aliases?.length) details.push(`aliases: ${reg.aliases.join(', ')}`);
  if (reg?.rejectedReason) details.push(`rejected: ${reg.rejectedReason}`);
  if (!d.gate) {
    const why = d.evaluation ? 'the gate did not run' : 'the run ended before evaluation';
    return <Banner cls="banner-none" head="NO GATE DECISION" details={[why, ...details]} />;
  }
  const checks = d.gate.checks;
  if (d.gate.blessed) {
    const s = `${checks.length} gate check${checks.length === 1 ? '' : 's'} passed`;
    return <Banner cls="banner-ok" head="✔ BLESSED" details={[s, ...details]} />;
  }
  const failed = checks.filter((c) => !c.passed);
  const s = failed.length ? `failed: ${failed.map((c) => c.metric).join(', ')}` : (d.gate.note ?? 'no failing check recorded');
  return <Banner cls="banner-bad" head="✘ NOT BLESSED" details={[s, ...details]} />;
}

export function RunSection({ d }: { d: RunReportData }): JSX.Element {
  const r = d.run;
  const paramCount = r.params && typeof r.params === 'object' ? Object.keys(r.params).length : 0;
  const json = displayJson(r.params ?? {});
  const label = `Params (${paramCount} key${paramCount === 1 ? '' : 's'})`;
  return (
    <section id="run" class="section">
      <Facts
        pairs={[
          ['DAG', <Code>{r.dagId}</Code>],
          ['model', <Code>{r.modelName}</Code>],
          ['workflow id', <Code>{r.workflowId}</Code>],
          r.runId ? ['run id', <Code>{r.runId}</Code>] : undefined,
          r.logicalDate ? ['logical date', r.logicalDate] : undefined,
          r.trigger ? ['trigger', r.trigger] : undefined,
          r.startedAt ? ['started', r.startedAt] : undefined,
          r.cachedSteps?.length ? ['cached', r.cachedSteps.map((c) => `${c.task} (from ${c.from})`).join(', ')] : undefined,
        ]}
      />
      {/* Collapsed on screen; a closed <details> prints nothing, so paper gets an always-open copy. */}
      <details class="params">
        <summary>{label}</summary>
        <pre>{json}</pre>
      </details>
      <div class="print-only">
        <h3>{label}</h3>
        <pre>{json}</pre>
      </div>
    </section>
  );
}
