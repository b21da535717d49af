/**
 * `npm run bench [-- options]`: Tideflow's benchmarks against a real Temporal server, with an
 * in-process worker on a task queue of its own.
 *
 * The report goes to stdout; progress to stderr. With `--json` the last line of stdout is one
 * JSON object keyed by benchmark name. A missed target is reported, never an exit code.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, type NativeConnection } from '@temporalio/worker';
import type { S3Client } from '@aws-sdk/client-s3';
import { createS3Client } from '../storage/s3-client';
import { connectWorker, createTideflowWorker } from '../workers/create-worker';
import { MAX_CHAIN_TASKS } from './chain-dag';
import { openEnvironment, TUNED_DYNAMIC_CONFIG, type BenchEnvironment } from './environment';
import { BENCHMARKS, workerRegistrations } from './registry';
import type { BenchContext, BenchOptions } from './types';

const USAGE = `usage: npm run bench -- [options]
  --tasks N          tasks per chain (default 50)
  --runs R           measured runs of each kind after one warm-up (default 5)
  --only NAME        run only this benchmark (repeatable, or comma-separated): ${BENCHMARKS.map((b) => b.name).join(', ')}
  --address H:P      use this Temporal server instead of starting a stack (S3 settings from AWS_* / TIDEFLOW_BUCKET)
  --stock-server     start the stack's dev server without the bench's dynamic config
                     (default adds: ${TUNED_DYNAMIC_CONFIG.join(' ')})
  --dynamic-config K=V  more dynamic config for the stack's dev server (repeatable)
  --rows N           ml-pipeline: keep about N of the 1,978,941 flights rows, for a quick check (default: all)
  --json             end stdout with one line of JSON: { "<benchmark>": {...}, ... }
  --verbose          Temporal SDK logs at INFO instead of WARN`;

const log = (line: string): void => {
  process.stderr.write(`[bench] ${line}\n`);
};

class UsageError extends Error {
  override name = 'UsageError';
}

function intOption(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} must be an integer in 1..${max}, got '${raw}'`);
  return n;
}

const ARG_SPEC = {
  tasks: { type: 'string' },
  runs: { type: 'string' },
  only: { type: 'string', multiple: true },
  address: { type: 'string' },
  'stock-server': { type: 'boolean', default: false },
  'dynamic-config': { type: 'string', multiple: true },
  rows: { type: 'string' },
  json: { type: 'boolean', default: false },
  verbose: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function parseOptions(argv: string[]): BenchOptions | 'help' {
  let v: ReturnType<typeof parseArgs<{ args: string[]; strict: true; options: typeof ARG_SPEC }>>['values'];
  try {
    v = parseArgs({ args: argv, strict: true, options: ARG_SPEC }).values;
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  if (v.help) return 'help';
  const only = (v.only ?? [])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = only.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length > 0) throw new UsageError(`unknown benchmark(s) in --only: ${unknown.join(', ')}`);
  if (v.address !== undefined && !/^[^\s:]+:\d+$/.test(v.address))
    throw new UsageError(`--address must look like host:port, got '${v.address}'`);
  const dynamicConfig = v['dynamic-config'] ?? [];
  const badValue = dynamicConfig.find((kv) => !/^[A-Za-z][A-Za-z0-9_.]*=\S+$/.test(kv));
  if (badValue !== undefined) throw new UsageError(`--dynamic-config must look like key.name=value, got '${badValue}'`);
  if (v.address !== undefined && (dynamicConfig.length > 0 || v['stock-server'] === true)) {
    throw new UsageError('--stock-server and --dynamic-config apply to the stack the bench starts, not to --address');
  }
  return {
    tasks: intOption('tasks', v.tasks, 50, MAX_CHAIN_TASKS),
    runs: intOption('runs', v.runs, 5, 1000),
    only,
    address: v.address,
    stockServer: v['stock-server'] ?? false,
    dynamicConfig,
    json: v.json ?? false,
    verbose: v.verbose ?? false,
    rows: v.rows === undefined ? undefined : intOption('rows', v.rows, 0, 10_000_000),
  };
}

/** Ctrl-C / SIGTERM: the first aborts the benchmarks and tears down in order; a second exits at once. */
function installSignalHandlers(abort: AbortController): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (abort.signal.aborted) process.exit(130); // infra/process.ts SIGKILLs the stack on exit
      log(`${signal}: stopping…`);
      abort.abort();
    });
  }
}

async function runAll(options: BenchOptions, abort: AbortController): Promise<Record<string, unknown>> {
  const selected = BENCHMARKS.filter((b) => options.only.length === 0 || options.only.includes(b.name));
  let env: BenchEnvironment | undefined;
  let workerConnection: NativeConnection | undefined;
  let clientConnection: Connection | undefined;
  let s3: S3Client | undefined;
  try {
    const dynamicConfig = [...(options.stockServer ? [] : TUNED_DYNAMIC_CONFIG), ...options.dynamicConfig];
    env = await openEnvironment(options.address, { dynamicConfig }, log);
    log(env.description);
    abort.signal.throwIfAborted();
    const { config } = env;
    workerConnection = await connectWorker(config);
    clientConnection = await Connection.connect(config.temporal.connection);
    const client = new Client({ connection: clientConnection, namespace: config.temporal.namespace });
    s3 = createS3Client(config.s3);
    const taskQueue = `tideflow-bench-${randomUUID()}`;
    log(`bundling workflows and starting the worker on task queue ${taskQueue}…`);
    const worker = await createTideflowWorker({
      connection: workerConnection,
      namespace: config.temporal.namespace,
      taskQueue,
      ...workerRegistrations(selected, options),
      s3,
      bucket: config.s3.bucket,
      prefix: config.s3.prefix,
      offloadBytes: config.offloadBytes,
      workflows: { workflowsPath: require.resolve('./workflows') },
    });
    abort.signal.throwIfAborted();
    const ctx: BenchContext = { client, taskQueue, options, server: env.server, log, signal: abort.signal, config };
    const results: Record<string, unknown> = {};
    await worker.runUntil(async () => {
      for (const bench of selected) {
        log(`running ${bench.name} (${bench.title})`);
        const outcome = await bench.run(ctx);
        results[bench.name] = outcome.result;
        process.stdout.write(`\n${outcome.report}\n`);
      }
    });
    return results;
  } finally {
    s3?.destroy();
    await clientConnection?.close().catch((err: unknown) => log(`closing the client connection: ${String(err)}`));
    await workerConnection?.close().catch((err: unknown) => log(`closing the worker connection: ${String(err)}`));
    await env?.close().catch((err: unknown) => log(`stopping the stack: ${String(err)}`));
  }
}

const abort = new AbortController();

async function main(): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // Before any connection: SDK logs to stderr only (stdout is the report), and our own signal handling.
  Runtime.install({ logger: new DefaultLogger(options.verbose ? 'INFO' : 'WARN'), shutdownSignals: [] });
  installSignalHandlers(abort);
  const started = performance.now();
  const results = await runAll(options, abort);
  log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (options.json) process.stdout.write(`${JSON.stringify(results)}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (abort.signal.aborted) {
      log('aborted');
      process.exit(130);
    }
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
