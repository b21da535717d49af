/**
 * The end-of-run work that used to stall the worker's event loop on a large dataset (issue 11:
 * 630 ms in register, 510 ms in report at 1.5M rows) runs in a thread and answers exactly what it
 * answers in-process: the run report's HTML (Vega charts included) and the reference profile's
 * JSON, both as bytes.
 */
import { describe, expect, it } from 'vitest';
import { runInThread } from '../../activities/ml/offload/runner';
import { buildFrameProfile } from '../../activities/ml/profile';
import { renderRunReport } from '../../ml/report';
import { realisticReport } from '../ml/fixtures/report-fixtures';
import { syntheticFrame } from './synthetic';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

describe('offloaded report and profile', () => {
  it('renders the run report in a thread: the same HTML as in-process, with its charts', async () => {
    const data = realisticReport().report;
    const { html } = await runInThread('renderReport', { data });
    expect(html).toBeInstanceOf(Uint8Array);
    const inProcess = await renderRunReport(data);
    expect(text(html)).toBe(inProcess);
    expect(inProcess).toContain('<svg');
  });

  it('a report that cannot render fails in the thread with the renderer’s message', async () => {
    await expect(runInThread('renderReport', { data: {} as never })).rejects.toThrow('data.run (the run identity) is required');
  });

  it('builds the reference profile in a thread as the JSON bytes putArtifact would have written', async () => {
    const frame = syntheticFrame(5_000, 3);
    const { json } = await runInThread('profileDataset', { frame });
    expect(text(json)).toBe(JSON.stringify(buildFrameProfile(frame)));
  });
});
