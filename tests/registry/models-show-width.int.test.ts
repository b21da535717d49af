/**
 * `tideflow models show` fits in 160 columns whatever a version carries (issue 14 friction):
 * long params, many metrics, tags, aliases, a long run id and description, against the real
 * MinIO, through the real command. The wrapped text loses none of the values.
 */
import { beforeAll, describe, expect, it, inject } from 'vitest';
import { runCli } from '../../cli/main';
import { promoteVersion, registerModelVersion } from '../../registry';
import { testStore } from '../artifacts/store-helper';
import { captureIo } from '../cli/helpers';
import { inputs, request } from './fixtures';

const store = testStore('registry-show-width');
const env = { ...inject('stack').env, TIDEFLOW_PREFIX: store.prefix, TIDEFLOW_ACTOR: 'ci-bot' };
const name = 'a-model-with-a-rather-long-descriptive-name-for-width';
const runId = `ml_retrain__drift__2024-03-10T07-30-00-000Z__${'k3j9x2'.repeat(6)}`;
const metrics = Object.fromEntries(Array.from({ length: 24 }, (_, i) => [`metric_number_${i}_macro_weighted`, 0.5 + i / 100]));
const params = {
  modelName: name,
  search: { l2: [0.0001, 0.001, 0.01, 0.1, 1, 10], maxDepth: [2, 3, 4, 5, 6, 8, 10], learningRate: [0.01, 0.03, 0.1, 0.3] },
  features: Array.from({ length: 40 }, (_, i) => `feature_column_${i}`),
};

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(env);
  const code = await runCli(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const longLines = (text: string): string[] => text.split('\n').filter((l) => [...l].length > 160);

beforeAll(async () => {
  const i = await inputs(store, 'width');
  const extra = {
    metrics,
    params,
    description: 'Retrained after drift on '.concat('several columns of the production traffic, '.repeat(8)),
    tags: Object.fromEntries(Array.from({ length: 12 }, (_, k) => [`team-tag-${k}`, `value-of-the-tag-number-${k}`])),
    trainingData: i.datasets,
  };
  await registerModelVersion(store, request(name, i, `${runId}-1`, extra));
  await registerModelVersion(store, request(name, i, `${runId}-2`, extra));
  for (const alias of ['champion', 'challenger-for-the-spring-campaign', 'shadow-candidate-number-two'])
    await promoteVersion(store, { name, version: 2, alias, reason: 'width test', actor: 'ci-bot' });
});

describe('tideflow models show fits in 160 columns', () => {
  it('the version table: no line over 160, metrics wrapped under their column, all of them shown', async () => {
    const show = await cli('models', 'show', name);
    expect(show.code).toBe(0);
    expect(longLines(show.out)).toEqual([]);
    expect(show.out).toMatch(/^VERSION\s+STATUS\s+ALIASES\s+CREATED\s+SOURCE RUN\s+EXPORTS\s+METRICS\n/);
    for (const k of Object.keys(metrics)) expect(show.out).toContain(`${k}=`);
  });

  it('one version in full (by alias and by number): no line over 160, params and tags wrapped, nothing lost', async () => {
    for (const argv of [
      ['models', 'show', name, '--alias', 'champion'],
      ['models', 'show', name, '--version', '1'],
    ]) {
      const show = await cli(...argv);
      expect(show.code).toBe(0);
      expect(longLines(show.out)).toEqual([]);
      const joined = show.out.replace(/\n {18}/g, '');
      for (const f of params.features) expect(joined).toContain(f);
      for (const k of Object.keys(metrics)) expect(joined).toContain(`${k}=`);
      expect(joined).toContain('team-tag-11=value-of-the-tag-number-11');
      expect(joined).toContain(`${runId}-`);
    }
    expect((await cli('models', 'show', name, '--alias', 'champion')).out).toMatch(
      /Model:\s+a-model-with-a-rather-long-descriptive-name-for-width version 2 \(challenger-for-the-spring-campaign, champion, shadow-candidate-number-two\)/,
    );
  });
});
