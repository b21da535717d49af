/**
 * Outcome sections: the gate's checks (failing rows and their thresholds highlighted), the
 * registry outcome (version, aliases, promotion or the reason for rejection) and the run's artifacts.
 */
import type { JSX } from 'preact';
import { Badge, Code, Facts, joined, Muted, Note, Omitted, Section, Table, type Cell } from '../components';
import { fmtCount, fmtNum } from '../format';
import type { ReportArtifact, ReportGate, ReportRegistration } from '../types';

export const MAX_ARTIFACTS = 200;

export function GateSection({ g }: { g: ReportGate }): JSX.Element {
  const checks = Array.isArray(g.checks) ? g.checks : [];
  const rows = checks.map((c): Cell[] => [
    <Code>{c.metric}</Code>,
    c.kind,
    fmtNum(c.value),
    c.threshold === undefined ? '–' : c.passed ? c.threshold : { content: <mark>{c.threshold}</mark>, cls: 'bad' },
    c.baseline === undefined ? '–' : fmtNum(c.baseline),
    c.passed ? <Badge label="pass" cls="b-ok" /> : <Badge label="FAIL" cls="b-error" />,
    c.message,
  ]);
  return (
    <Section id="gate" title="Gate">
      <p>
        {g.blessed ? <Badge label="BLESSED" cls="b-ok" /> : <Badge label="NOT BLESSED" cls="b-error" />}{' '}
        {checks.filter((c) => c.passed).length} of {checks.length} checks passed.
      </p>
      {checks.length ? (
        <Table
          headers={['metric', 'kind', 'value', 'threshold', 'baseline', 'result', 'message']}
          rows={rows}
          rowCls={(i) => (checks[i]?.passed ? undefined : 'row-error')}
        />
      ) : (
        <Note>No checks were configured.</Note>
      )}
      {g.note ? <p class="gate-note">{g.note}</p> : null}
    </Section>
  );
}

export function RegistrationSection({ r }: { r: ReportRegistration }): JSX.Element {
  return (
    <Section id="registration" title="Registration">
      <Facts
        pairs={[
          ['version', r.version === undefined ? <Muted>not registered</Muted> : fmtCount(r.version)],
          r.aliases
            ? [
                'aliases',
                r.aliases.length ? (
                  joined(
                    r.aliases.map((a) => <Code>{a}</Code>),
                    ' ',
                  )
                ) : (
                  <Muted>none</Muted>
                ),
              ]
            : undefined,
          r.promoted === undefined
            ? undefined
            : ['promoted to champion', r.promoted ? <Badge label="yes" cls="b-ok" /> : <Badge label="no" cls="b-muted" />],
          r.rejectedReason ? ['rejected because', <span class="bad">{r.rejectedReason}</span>] : undefined,
        ]}
      />
    </Section>
  );
}

export function ArtifactsSection({ list }: { list: readonly ReportArtifact[] }): JSX.Element {
  if (list.length === 0)
    return (
      <Section id="artifacts" title="Artifacts">
        <Note>No artifacts were recorded.</Note>
      </Section>
    );
  const shown = list.slice(0, MAX_ARTIFACTS);
  // URIs are text, never links: the report must load nothing, and s3:// is not browsable anyway.
  return (
    <Section id="artifacts" title="Artifacts">
      <Table headers={['name', 'uri']} rows={shown.map((a) => [a.name, <Code>{a.uri}</Code>])} />
      <Omitted count={list.length - shown.length} what="artifacts" />
    </Section>
  );
}
