/**
 * A rendered Vega chart or the reason it could not be drawn; `Chart` shows either, so one bad
 * chart never fails its section.
 */
import type { JSX } from 'preact';
import { Note, TrustedSvg } from '../components';
import { vegaLiteSvg } from './vega';

export type ChartResult = { svg: string } | { error: string };

/** Render a spec; a failure becomes a ChartResult with the reason. */
export async function renderChart(spec: Record<string, unknown>, label: string): Promise<ChartResult> {
  try {
    return { svg: await vegaLiteSvg(spec, label) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

export function Chart({ chart, what }: { chart: ChartResult | undefined; what: string }): JSX.Element | null {
  if (!chart) return null;
  if ('error' in chart)
    return (
      <Note>
        The {what} could not be drawn: {chart.error}
      </Note>
    );
  return <TrustedSvg svg={chart.svg} />;
}
