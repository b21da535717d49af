/** `tideflow deploy` without servers: duration flags, and how a finished rollout's state is shown. */
import { describe, expect, it } from 'vitest';
import { parseDurationSeconds } from '../../cli/commands/deploy';
import { formatRollout } from '../../cli/format-rollout';
import { DEFAULT_GUARDS } from '../../mlops/rollout-plan';
import type { RolloutState } from '../../mlops/rollout-state';
import { runCli } from '../../cli/main';
import { captureIo } from './helpers';

describe('parseDurationSeconds', () => {
  it('reads seconds, ms, m, h, d; refuses anything else naming the flag', () => {
    expect(parseDurationSeconds('90', '--bake')).toBe(90);
    expect(parseDurationSeconds('500ms', '--bake')).toBe(0.5);
    expect(parseDurationSeconds('10m', '--bake')).toBe(600);
    expect(parseDurationSeconds('1.5h', '--bake')).toBe(5400);
    expect(parseDurationSeconds('1d', '--bake')).toBe(86400);
    for (const bad of ['0', '-1m', '10 minutes', 'm', ''])
      expect(() => parseDurationSeconds(bad, '--check-every')).toThrow(/--check-every must be a positive duration/);
  });
});

describe('deploy flags are checked before connecting', () => {
  it('bad strategy, steps, guard numbers and a missing candidate are usage errors (exit 2)', async () => {
    const run = async (...args: string[]) => {
      const io = captureIo({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
      return { code: await runCli(args, io), err: io.err() };
    };
    expect(await run('deploy', 'm', '--version', '2', '--strategy', 'rolling')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--strategy must be one of canary, shadow, blue-green, got 'rolling'/),
    });
    expect(await run('deploy', 'm', '--version', '2', '--steps', '10,50')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/the last step must be 100/),
    });
    expect(await run('deploy', 'm', '--version', '2', '--max-p99-ms', 'fast')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--max-p99-ms must be a number, got 'fast'/),
    });
    expect(await run('deploy', 'm', '--version', '2', '--strategy', 'shadow', '--steps', '10,100')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/only a canary has traffic steps/),
    });
    expect(await run('deploy', 'm', '--version', '2', '--alias', 'challenger')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/exactly one of --version <n> or --alias <name>/),
    });
  });
});

describe('a model named like a subcommand', () => {
  const run = async (...args: string[]) => {
    const io = captureIo({ TEMPORAL_ADDRESS: '127.0.0.1:1' });
    return { code: await runCli(args, io), err: io.err() };
  };

  it("'deploy status …' is always the subcommand; a flag of deploy there says so and gives the explicit form", async () => {
    expect(await run('deploy', 'status', '--version', '3')).toEqual({
      code: 2,
      err:
        "error: unknown option '--version' for 'tideflow deploy status' ('status' is read as the subcommand 'tideflow deploy status')\n" +
        "for a model named 'status', write: tideflow deploy start status --version 3\n",
    });
    expect(await run('deploy', 'pause')).toMatchObject({
      code: 2,
      err: expect.stringContaining("for a model named 'pause', write: tideflow deploy start pause"),
    });
  });

  it("'deploy start <model>' deploys a model whatever its name (its flags are deploy's)", async () => {
    for (const model of ['status', 'pause', 'start'])
      expect(await run('deploy', 'start', model, '--version', '2', '--strategy', 'rolling')).toMatchObject({
        code: 2,
        err: expect.stringMatching(/^error: --strategy must be one of canary, shadow, blue-green, got 'rolling'/),
      });
  });

  it("'predictions' has no one-word form, so its subcommand words are plain model names there", async () => {
    expect(await run('predictions', 'label', 'list', 'labels.unknown')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/cannot tell the format of 'labels.unknown'/),
    });
  });
});

describe('formatRollout', () => {
  const state: RolloutState = {
    format: 'tideflow.rollout-state',
    version: 1,
    model: 'penguins',
    rolloutId: 'tideflow-rollout__penguins/run-1',
    strategy: 'canary',
    alias: 'champion',
    stable: 1,
    candidate: 2,
    weight: 0,
    shadow: false,
    step: 0,
    steps: [10, 50, 100],
    stepSeconds: 600,
    guards: DEFAULT_GUARDS,
    status: 'rolled-back',
    reason: 'step 0 (10%): latency p99 ≤ 50 ms over 31 requests exceeds 20 ms',
    actor: 'cli:me',
    startedAt: '2026-12-05T08:00:00.000Z',
    updatedAt: '2026-12-05T08:01:00.000Z',
    history: [
      {
        at: '2026-12-05T08:00:00.000Z',
        status: 'running',
        weight: 10,
        step: 0,
        detail: 'canary rollout of version 2: v1 → v2, step 0 at 10%',
      },
      {
        at: '2026-12-05T08:01:00.000Z',
        status: 'rolled-back',
        weight: 0,
        step: 0,
        detail: 'step 0 (10%): latency p99 ≤ 50 ms over 31 requests exceeds 20 ms',
      },
    ],
  };

  it('a finished rollout: outcome, guards, weights, and every decision', () => {
    const text = formatRollout('penguins', state, undefined);
    const line = (label: string): string => (text.split('\n').find((l) => l.startsWith(label)) ?? '').slice(label.length).trim();
    expect(line('Rollout:')).toBe('canary of penguins@champion: v1 → v2, rolled-back');
    expect(line('Step:')).toBe('ended at step 1 of 3; the candidate now gets 0% of the traffic');
    expect(line('Weights:')).toBe('10% → 50% → 100%');
    expect(line('Last check:')).toBe('not running (no live readings)');
    expect(line('Guards:')).toBe(
      'error rate ≤ stable + 2.00%, p95 ≤ 1000 ms, p99 ≤ 2000 ms, disagreement ≤ 10.00%, prediction drift ≤ 0.2, judged from 20 requests',
    );
    expect(line('Outcome:')).toBe('step 0 (10%): latency p99 ≤ 50 ms over 31 requests exceeds 20 ms');
    expect(text).toMatch(/Decisions:\n {2}2026-12-05T08:00:00.000Z {2}running +step 0 {3}10% {2}canary rollout/);
    expect(text).toMatch(/2026-12-05T08:01:00.000Z {2}rolled-back step 0 {4}0% {2}step 0 \(10%\): latency p99/);
  });

  it('no rollout at all', () => {
    expect(formatRollout('penguins', undefined, undefined)).toBe('No rollout of penguins has been started.\n');
  });
});
