/** `tideflow drift signal|status` against the real dev server, with a worker serving the controller. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../cli/main';
import type { ControllerStatus } from '../../mlops/retrain-policy';
import { waitFor } from '../backfill/helpers';
import { captureIo } from '../cli/helpers';
import { useHarnessWithWorker } from '../integration/harness';

const h = useHarnessWithWorker('drift-cli');

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo({ ...h.env });
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('tideflow drift', () => {
  it('signal starts the controller, status shows the retrain (table and JSON)', async () => {
    const model = `cli-${Math.random().toString(36).slice(2, 7)}`;
    const sent = await cli(
      'drift',
      'signal',
      model,
      '--reason',
      'PSI 0.4 on x',
      '--dag',
      't_backfill',
      '--debounce',
      '0.3',
      '--cooldown',
      '0',
      '--fingerprint',
      'fp-1',
      '--json',
    );
    expect(sent.code).toBe(0);
    expect(JSON.parse(sent.out)).toMatchObject({ model, fingerprint: 'fp-1', workflowId: `tideflow-retrain__${model}` });
    const s = await waitFor<ControllerStatus>('a finished retrain', async () => {
      const r = await cli('drift', 'status', model, '--json');
      const st = JSON.parse(r.out) as ControllerStatus;
      return st.lastRetrain ? st : undefined;
    });
    expect(s.lastRetrain).toMatchObject({
      outcome: 'succeeded',
      alerts: [expect.objectContaining({ fingerprint: 'fp-1', source: 'cli', reason: 'PSI 0.4 on x' })],
    });
    const table = await cli('drift', 'status', model);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/Status\s+idle/);
    expect(table.out).toMatch(/#\s+OUTCOME\s+STARTED/);
    expect(table.out).toMatch(/1\s+succeeded/);
  });

  it('usage errors exit 2; an unknown controller exits 1', async () => {
    expect((await cli('drift', 'signal', 'm')).code).toBe(2);
    expect((await cli('drift', 'signal', '../bad', '--reason', 'x')).code).toBe(2);
    const missing = await cli('drift', 'status', `nobody-${Date.now()}`);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no retraining controller/);
  });
});
