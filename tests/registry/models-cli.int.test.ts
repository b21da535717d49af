/** `tideflow models …` against the real MinIO: tables, --json, exit codes. */
import { beforeAll, describe, expect, it, inject } from 'vitest';
import { runCli } from '../../cli/main';
import { registerModelVersion } from '../../registry';
import { testStore } from '../artifacts/store-helper';
import { captureIo } from '../cli/helpers';
import { inputs, request } from './fixtures';

const store = testStore('registry-cli');
const env = { ...inject('stack').env, TIDEFLOW_PREFIX: store.prefix, TIDEFLOW_ACTOR: 'ci-bot' };

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(env);
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  const i = await inputs(store, 'cli');
  for (const run of ['run-1', 'run-2']) await registerModelVersion(store, request('penguins', i, run, { metrics: { accuracy: 0.95 } }));
});

describe('tideflow models', () => {
  it('lists models and shows versions as a table and as JSON', async () => {
    const list = await cli('models', 'list');
    expect(list.code).toBe(0);
    expect(list.out).toMatch(/^MODEL\s+VERSIONS\s+LATEST\s+ALIASES\s+CREATED\n/);
    expect(list.out).toMatch(/penguins\s+2\s+2 \(ready\)\s+-/);
    const json = JSON.parse((await cli('models', 'list', '--json')).out) as { name: string; latestVersion: number }[];
    expect(json).toEqual([expect.objectContaining({ name: 'penguins', latestVersion: 2 })]);
    const show = await cli('models', 'show', 'penguins');
    expect(show.out).toMatch(/VERSION\s+STATUS\s+ALIASES\s+CREATED\s+SOURCE RUN\s+EXPORTS\s+METRICS/);
    expect(show.out).toMatch(/2\s+ready\s+-\s+\S+ \S+\s+run-2\s+-\s+accuracy=0.9500/);
  });

  it('promotes with a reason, shows by alias, rolls back, and explains lineage', async () => {
    expect((await cli('models', 'promote', 'penguins', '1', '--reason', 'first')).code).toBe(0);
    const p = await cli('models', 'promote', 'penguins', '2', '--reason', 'better', '--json');
    expect(JSON.parse(p.out)).toMatchObject({
      alias: 'champion',
      action: 'promote',
      version: 2,
      previousVersion: 1,
      actor: 'ci-bot',
      reason: 'better',
    });
    const byAlias = await cli('models', 'show', 'penguins', '--alias', 'champion');
    expect(byAlias.out).toMatch(/Model:\s+penguins version 2 \(champion\)/);
    const back = await cli('models', 'rollback', 'penguins', '--reason', 'oops');
    expect(back.out).toBe('penguins@champion: 2 → 1 (rolled back by ci-bot: oops)\n');
    const lineage = await cli('models', 'lineage', 'penguins', '--version', '2');
    expect(lineage.code).toBe(0);
    expect(lineage.out).toMatch(/run\s+ml_retrain run-2/);
    expect(lineage.out).toMatch(/training data\s+s3:\/\//);
    expect(JSON.parse((await cli('models', 'lineage', 'penguins', '--version', '2', '--json')).out)).toMatchObject({
      version: 2,
      run: { workflowId: 'run-2' },
    });
  });

  it('exits 2 on bad usage and 1 on registry refusals', async () => {
    expect(await cli('models', 'promote', 'penguins', '1')).toMatchObject({ code: 2, err: expect.stringMatching(/--reason is required/) });
    expect(await cli('models', 'promote', 'penguins', '1', '--alias', 'latest', '--reason', 'x')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/reserved/),
    });
    expect(await cli('models', 'show', 'penguins', '--version', 'two')).toMatchObject({ code: 2 });
    expect(await cli('models', 'show', 'nope')).toMatchObject({ code: 1, err: expect.stringMatching(/no registered model named "nope"/) });
    expect(await cli('models', 'rollback', 'penguins', '--alias', 'nobody')).toMatchObject({
      code: 1,
      err: expect.stringMatching(/no alias/),
    });
    expect(await cli('models', 'show', 'penguins', '--version', '9')).toMatchObject({
      code: 1,
      err: expect.stringMatching(/no version 9/),
    });
  });
});
