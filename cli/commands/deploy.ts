/**
 * `tideflow deploy <model> --version N | --alias A --strategy canary|shadow|blue-green`: start the
 * model's rollout workflow (workflows/rollout, one per model at a time), which moves the prediction
 * servers' traffic for `--target` (champion) to the candidate step by step, checks its guards
 * between steps and promotes or rolls back by itself. `deploy status|pause|resume|abort|promote
 * <model>` steer and show it. `deploy start <model>` is the explicit form of `deploy <model>`, for a
 * model named like one of those words (`tideflow deploy status …` is always the subcommand). Everything checkable locally (flags, durations, guards) is checked
 * before connecting; the registry and the Temporal client are loaded on use.
 */
import { RolloutRequestError } from '../../client/rollouts';
import { planRollout, ROLLOUT_STRATEGIES, type RolloutInput } from '../../mlops/rollout-plan';
import type { ArtifactStore } from '../../registry';
import { checkChoice, flagOption, positional, stringOption, type ParsedArgs, JSON_OPTION, MODEL_POSITIONAL } from '../args';
import type { Command } from '../command';
import { cliConfig } from '../config';
import { withTemporal } from '../connect';
import { CliError, EXIT, usageError } from '../errors';
import { formatRollout } from '../format-rollout';
import { printJson, type Io } from '../io';

const UNITS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/** `90`, `30s`, `10m`, `1h`, `1.5h`, `500ms` → seconds. */
export function parseDurationSeconds(text: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  const seconds = m ? Number(m[1]) * (UNITS[m[2] ?? 's'] as number) : NaN;
  if (!(seconds > 0) || !Number.isFinite(seconds))
    throw usageError(`${flag} must be a positive duration such as 30s, 10m or 1h, got '${text}'`);
  return seconds;
}

function numberOption(args: ParsedArgs, name: string): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n)) throw usageError(`--${name} must be a number, got '${text}'`);
  return n;
}

async function openStore(io: Io): Promise<ArtifactStore> {
  const config = cliConfig(io.env);
  const { createS3Client } = await import('../../storage/s3-client');
  return { s3: createS3Client(config.s3), bucket: config.s3.bucket, prefix: config.s3.prefix };
}

const GUARD_FLAGS = {
  'max-error-rate': 'maxErrorRate',
  'max-p95-ms': 'maxLatencyP95Ms',
  'max-p99-ms': 'maxLatencyP99Ms',
  'max-disagreement': 'maxDisagreement',
  'max-prediction-drift': 'maxPredictionDrift',
  'min-requests': 'minRequests',
} as const;

/** The rollout request from the flags, checked like the workflow will check it; the candidate is resolved later for --alias. */
function rolloutInput(args: ParsedArgs, model: string, candidate: number, io: Io): RolloutInput {
  const strategy = checkChoice('strategy', stringOption(args, 'strategy') ?? 'canary', ROLLOUT_STRATEGIES);
  const stepsText = stringOption(args, 'steps');
  const steps = stepsText?.split(',').map((w) => {
    const n = Number(w.trim());
    if (w.trim() === '' || !Number.isFinite(n))
      throw usageError(`--steps must be percentages separated by commas (10,50,100), got '${stepsText}'`);
    return n;
  });
  const bake = stringOption(args, 'bake');
  const check = stringOption(args, 'check-every');
  const guards: NonNullable<RolloutInput['guards']> = {};
  for (const [flag, key] of Object.entries(GUARD_FLAGS)) {
    const v = numberOption(args, flag);
    if (v !== undefined) guards[key] = v;
  }
  const target = stringOption(args, 'target');
  const reason = stringOption(args, 'reason');
  const input: RolloutInput = {
    model,
    candidate,
    strategy,
    ...(target !== undefined && { alias: target }),
    ...(steps !== undefined && { steps }),
    ...(bake !== undefined && { stepSeconds: parseDurationSeconds(bake, '--bake') }),
    ...(check !== undefined && { checkSeconds: parseDurationSeconds(check, '--check-every') }),
    ...(Object.keys(guards).length > 0 && { guards }),
    actor: `cli:${io.env.USER ?? 'unknown'}`,
    ...(reason !== undefined && { reason }),
  };
  const plan = planRollout(input);
  if (typeof plan === 'string') throw usageError(`invalid rollout: ${plan}`);
  return input;
}

/** The candidate version: --version N, or the version alias --alias names now. */
async function candidateVersion(args: ParsedArgs, model: string, io: Io): Promise<{ version: number; store?: ArtifactStore }> {
  const versionText = stringOption(args, 'version');
  const alias = stringOption(args, 'alias');
  if ((versionText === undefined) === (alias === undefined))
    throw usageError(
      'give the candidate with exactly one of --version <n> or --alias <name>',
      "e.g. 'tideflow deploy penguins --version 3'",
    );
  if (versionText !== undefined) {
    const n = Number(versionText);
    if (!/^\d+$/.test(versionText) || !Number.isSafeInteger(n) || n < 1)
      throw usageError(`--version must be a positive integer, got '${versionText}'`);
  }
  const store = await openStore(io);
  const { getAlias, getVersion, NotFoundError, RegistryError } = await import('../../registry');
  try {
    if (versionText !== undefined) {
      // Checked here, not by the rollout: a version that does not exist must not start a workflow that can only fail.
      const v = await getVersion(store, model, Number(versionText)).catch((err: unknown) => {
        if (err instanceof NotFoundError)
          throw new CliError(`model ${model} has no version ${versionText}: nothing to deploy (see 'tideflow models show ${model}')`);
        throw err;
      });
      if (v.deletedAt !== undefined) throw new CliError(`model ${model} version ${v.version} was deleted: nothing to deploy`);
      return { version: v.version, store };
    }
    const record = await getAlias(store, model, alias as string);
    if (!record) throw new CliError(`model ${model} has no alias '${alias}': nothing to deploy (see 'tideflow models show ${model}')`);
    return { version: record.version, store };
  } catch (err) {
    if (err instanceof RegistryError) throw new CliError(err.message);
    throw err;
  }
}

export const deploy: Command = {
  name: 'deploy',
  summary: 'Roll a model version out to the prediction servers (canary, shadow or blue-green), as a durable workflow',
  positionals: [MODEL_POSITIONAL],
  options: {
    version: { type: 'string', value: 'n', description: 'the candidate version' },
    alias: { type: 'string', value: 'name', description: 'or: the version this alias names now (e.g. challenger)' },
    strategy: { type: 'string', value: 'kind', description: 'canary (default), shadow or blue-green' },
    steps: { type: 'string', value: 'list', description: 'canary shares in percent, increasing, ending at 100 (default 10,50,100)' },
    bake: { type: 'string', value: 'duration', description: 'time each step bakes while its guards hold (default 5m): 30s, 10m, 1h' },
    'check-every': { type: 'string', value: 'duration', description: 'guard check interval (default a tenth of --bake, 1s to 30s)' },
    target: { type: 'string', value: 'alias', description: 'the alias whose traffic moves (default champion)' },
    'max-error-rate': { type: 'string', value: 'rate', description: "candidate error rate above the stable version's (default 0.02)" },
    'max-p95-ms': { type: 'string', value: 'ms', description: 'candidate latency p95 (default 1000)' },
    'max-p99-ms': { type: 'string', value: 'ms', description: 'candidate latency p99 (default 2000)' },
    'max-disagreement': { type: 'string', value: 'rate', description: 'share of rows both scored that differ (default 0.1)' },
    'max-prediction-drift': {
      type: 'string',
      value: 'd',
      description: 'prediction-distribution drift vs stable in the prediction log, when significant (default 0.2)',
    },
    'min-requests': { type: 'string', value: 'n', description: 'candidate requests a step needs before it is judged (default 20)' },
    reason: { type: 'string', value: 'text', description: 'why (recorded with every decision)' },
    wait: { type: 'boolean', short: 'w', description: 'follow the rollout to its end; exit 0 only if it promoted' },
    json: JSON_OPTION,
  },
  examples: [
    'tideflow deploy penguins --version 3 --strategy canary --steps 10,50,100 --bake 10m',
    'tideflow deploy penguins --alias challenger --strategy shadow --bake 1h --wait',
  ],
  async run(args, io) {
    const model = positional(args, 0);
    // Flags first (placeholder candidate), so a typo never reaches the registry or Temporal.
    rolloutInput(args, model, 1, io);
    const { version } = await candidateVersion(args, model, io);
    const input = rolloutInput(args, model, version, io);
    const config = cliConfig(io.env);
    const json = flagOption(args, 'json');
    return withTemporal(config, async ({ client }) => {
      const { startRollout, rolloutResult, rolloutView } = await import('../../client/rollouts');
      try {
        await startRollout(client, input, config.taskQueue);
      } catch (err) {
        if (!(err instanceof RolloutRequestError)) throw err;
        // Name the rollout in the way: what it rolls out and where it stands.
        const running = await rolloutView(client, model).catch(() => undefined);
        const what = running
          ? ` (the running one: ${running.plan.strategy} of v${running.plan.candidate} over v${running.stable ?? '?'}, ${running.status}, step ${running.step + 1} of ${running.plan.weights.length} at ${running.weight}%)`
          : '';
        throw new CliError(`${err.message}${what}`);
      }
      const out = json ? io.stderr : io.stdout;
      out.write(`Started a ${input.strategy} rollout of ${model} version ${version} (workflow tideflow-rollout__${model})\n`);
      if (!flagOption(args, 'wait')) {
        out.write(`Follow it with: tideflow deploy status ${model}\n`);
        if (json) printJson(io, { model, candidate: version, strategy: input.strategy, workflowId: `tideflow-rollout__${model}` });
        return EXIT.ok;
      }
      const outcome = await rolloutResult(client, model);
      if (json) printJson(io, outcome);
      else io.stdout.write(`Rollout of ${model} version ${version}: ${outcome.status}: ${outcome.reason}\n`);
      return outcome.status === 'promoted' ? EXIT.ok : EXIT.failed;
    });
  },
};

/** `deploy <model>` spelled so that no model name can read as a subcommand. */
export const deployStart: Command = {
  ...deploy,
  name: 'deploy start',
  summary: "Same as 'tideflow deploy <model>': the form for a model named status, pause, resume, abort, promote or start",
  examples: ['tideflow deploy start status --version 3 --strategy canary'],
};

export const deployStatus: Command = {
  name: 'deploy status',
  summary: "A model's rollout: step, weights, guard readings and every decision",
  positionals: [MODEL_POSITIONAL],
  options: { json: { type: 'boolean', description: 'print JSON: {view, state}' } },
  examples: ['tideflow deploy status penguins'],
  async run(args, io) {
    const model = positional(args, 0);
    const store = await openStore(io);
    const { rolloutState, rolloutView } = await import('../../client/rollouts');
    const state = await rolloutState(store, model);
    // The state is in S3: without Temporal, status still shows it (no live readings), and says why.
    const view = await withTemporal(cliConfig(io.env), ({ client }) => rolloutView(client, model)).catch((err: unknown) => {
      if (!(err instanceof CliError) || !state) throw err;
      io.stderr.write(`warning: ${err.message}; showing the rollout state from the registry only\n`);
      return undefined;
    });
    if (flagOption(args, 'json')) printJson(io, { view: view ?? null, state: state ?? null });
    else io.stdout.write(formatRollout(model, state, view));
    return state || view ? EXIT.ok : EXIT.failed;
  },
};

function steer(action: 'pause' | 'resume' | 'abort' | 'promote-now', word: string, summary: string): Command {
  return {
    name: `deploy ${word}`,
    summary,
    positionals: [MODEL_POSITIONAL],
    options:
      action === 'abort' || action === 'promote-now' ? { reason: { type: 'string', value: 'text', description: 'why (recorded)' } } : {},
    examples: [`tideflow deploy ${word} penguins`],
    async run(args, io) {
      const model = positional(args, 0);
      const { signalRollout } = await import('../../client/rollouts');
      await withTemporal(cliConfig(io.env), async ({ client }) => {
        try {
          await signalRollout(client, model, action, stringOption(args, 'reason'));
        } catch (err) {
          if (err instanceof RolloutRequestError) throw new CliError(err.message);
          throw err;
        }
      });
      io.stdout.write(`Sent ${action} to the rollout of ${model}; see 'tideflow deploy status ${model}'\n`);
      return EXIT.ok;
    },
  };
}

export const deployCommands: readonly Command[] = [
  deploy,
  deployStart,
  deployStatus,
  steer('pause', 'pause', 'Pause the rollout: the step clock stops (guards still run, a breach still rolls back)'),
  steer('resume', 'resume', 'Resume a paused rollout'),
  steer('abort', 'abort', 'Abort the rollout: traffic and alias back to the stable version'),
  steer('promote-now', 'promote', 'Skip the remaining steps and promote the candidate now'),
];
