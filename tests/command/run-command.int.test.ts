/**
 * runCommand on the real servers of the global setup (Temporal dev server + MinIO) with real
 * Python scripts (tests/command/fixtures/): staging, templating, outputs, results passed
 * downstream, failures with the stderr tail, timeouts and cancellation killing the whole process
 * group, secret masking, heartbeats, and the python_train example DAG.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { defaultPayloadConverter } from '@temporalio/common';
import { bundleWorkflowCode, NativeConnection, type Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { activities } from '../../activities';
import { isAlive } from '../../activities/command/process';
import type { ArtifactRef, CommandOutput } from '../../activities/command/types';
import { startDagRun, waitForRun } from '../../client/runs';
import type { DagDefinition } from '../../core/model';
import type { RunView } from '../../core/run-view';
import { dags } from '../../dags';
import pythonTrain from '../../dags/python_train';
import { parseS3Uri } from '../../storage/s3-uri';
import { createTideflowWorker, workerOptionsFromConfig } from '../../workers/create-worker';
import { useHarnessWithoutWorker, taskOf } from '../integration/harness';
import { commandChain, commandOnce, commandRetried, commandTestDags } from './dags';

const FIX = 'tests/command/fixtures';
const SECRET_NAME = 'TIDEFLOW_CMD_TEST_SECRET';
const SECRET = `tf-secret-${randomUUID()}`;

const h = useHarnessWithoutWorker('command');
let worker: Worker;
let running: Promise<void>;
let connection: NativeConnection;
const scratch = mkdtempSync(join(tmpdir(), 'tideflow-cmd-test-'));

beforeAll(async () => {
  // The in-process worker reads its environment at run time: this is the "worker secret".
  process.env[SECRET_NAME] = SECRET;
  connection = await NativeConnection.connect({ address: inject('stack').temporalAddress });
  const quiet = { log() {}, info() {}, warn() {}, error: console.error, debug() {}, trace() {} };
  worker = await createTideflowWorker({
    connection,
    ...workerOptionsFromConfig(h.config),
    dags: [...dags, ...commandTestDags],
    activities,
    workflows: { workflowBundle: await bundleWorkflowCode({ workflowsPath: join(__dirname, 'workflows.ts'), logger: quiet }) },
  });
  running = worker.run();
}, 180_000);

afterAll(async () => {
  worker?.shutdown();
  await running;
  await connection?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function run(dag: DagDefinition, params: Record<string, unknown>): Promise<{ view: RunView; error?: string; workflowId: string }> {
  const handle = await startDagRun(h.client, dag, { taskQueue: h.taskQueue, params });
  const outcome = await waitForRun(handle);
  if (!outcome.view) throw new Error(`run ${handle.workflowId} ended without a summary: ${outcome.error}`);
  return { view: outcome.view, workflowId: handle.workflowId, ...(outcome.error !== undefined && { error: outcome.error }) };
}

async function readObject(uri: string): Promise<Buffer> {
  const { bucket, key } = parseS3Uri(uri);
  const res = await h.store.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await (res.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

async function putObject(key: string, body: string): Promise<ArtifactRef> {
  const full = `${h.store.prefix}${key}`;
  await h.store.s3.send(new PutObjectCommand({ Bucket: h.store.bucket, Key: full, Body: body }));
  return { uri: `s3://${h.store.bucket}/${full}`, bytes: Buffer.byteLength(body), sha256: createHash('sha256').update(body).digest('hex') };
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const outputOf = (view: RunView, id = 'run'): CommandOutput => taskOf(view, id).output as CommandOutput;

/** The history as JSON plus every base64 value in it decoded (payloads are base64 bytes in JSON form). */
function decodedHistory(history: unknown): string {
  const json = JSON.stringify(history);
  const texts = [json];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (v.length >= 8 && v.length % 4 === 0 && /^[A-Za-z0-9+/]+=*$/.test(v)) texts.push(Buffer.from(v, 'base64').toString('utf8'));
    } else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(JSON.parse(json));
  return texts.join('\n');
}

async function waitForFile(path: string): Promise<{ pid: number; grandchild: number }> {
  for (let i = 0; i < 600 && !existsSync(path); i++) await sleep(50);
  return JSON.parse(readFileSync(path, 'utf8')) as { pid: number; grandchild: number };
}

describe('runCommand on real servers', () => {
  it('stages inputs, renders placeholders, uploads outputs and logs, and returns the JSON result', async () => {
    const csv = 'species,mass\nadelie,3750\ngentoo,5000\n';
    const input = await putObject(`command-tests/${randomUUID()}/in.csv`, csv);
    const { view, workflowId } = await run(commandOnce, {
      spec: {
        command: 'python3',
        args: [
          `${FIX}/roundtrip.py`,
          '--input',
          '{{inputs.data}}',
          '--output',
          '{{outputs.table}}',
          '--tag',
          '{{params.extra.tag}}-{{ds}}',
        ],
        inputs: { data: input },
        outputs: { table: 'nested/table.csv' },
        env: { MODE: 'run-{{run_id}}' },
      },
      extra: { tag: 'v1' },
    });
    expect(view.status).toBe('success');
    const out = outputOf(view);
    expect(out.exitCode).toBe(0);
    expect(out.durationMs).toBeGreaterThan(0);

    // The output: uploaded under the run's prefix, content and checksum as the script wrote them.
    const table = out.outputs['table'] as ArtifactRef;
    expect(table.uri).toBe(`s3://${h.store.bucket}/${h.store.prefix}runs/t_command/${workflowId}/outputs/run/nested/table.csv`);
    const body = await readObject(table.uri);
    expect(body.toString()).toBe(`SPECIES,MASS,v1-${view.ds}\r\nADELIE,3750,v1-${view.ds}\r\nGENTOO,5000,v1-${view.ds}\r\n`);
    expect(table).toMatchObject({ bytes: body.length, sha256: sha(body) });

    // The result object, with the rendered argv and the TIDEFLOW_* context.
    const result = out.result as {
      rows: number;
      tag: string;
      argv: string[];
      cwd: string;
      env: Record<string, string>;
      envNames: string[];
    };
    expect(result.rows).toBe(3);
    expect(result.tag).toBe(`v1-${view.ds}`);
    expect(result.argv[1]).toMatch(/\/inputs\/data\/in\.csv$/);
    expect(result.argv[3]).toMatch(/\/outputs\/nested\/table\.csv$/);
    expect(result.cwd).toBe(join(__dirname, '..', '..'));
    expect(result.env).toMatchObject({
      TIDEFLOW_DAG_ID: 't_command',
      TIDEFLOW_TASK_ID: 'run',
      TIDEFLOW_RUN_ID: workflowId,
      TIDEFLOW_LOGICAL_DATE: view.logicalDate,
      TIDEFLOW_DS: view.ds,
      TIDEFLOW_ATTEMPT: '1',
    });
    // A minimal environment: none of the worker's S3/Temporal settings leak into the process.
    expect(result.envNames).toContain('MODE');
    expect(result.envNames).not.toContain('AWS_SECRET_ACCESS_KEY');
    expect(result.envNames).not.toContain('TEMPORAL_ADDRESS');
    expect(result.envNames).not.toContain(SECRET_NAME);

    // Both logs, as artifacts of this attempt.
    expect(out.stdout.uri).toBe(`s3://${h.store.bucket}/${h.store.prefix}runs/t_command/${workflowId}/logs/run/attempt-1/stdout.txt`);
    expect(JSON.parse((await readObject(out.stdout.uri)).toString())).toEqual(result.argv);
    expect((await readObject(out.stderr.uri)).toString()).toBe('copied 3 rows\n');
  });

  it('passes a file output and the result to the next command (inputs from an upstream ref, vars)', async () => {
    const input = await putObject(`command-tests/${randomUUID()}/in.csv`, 'a,b\nc,d\n');
    const { view } = await run(commandChain, { source: input.uri, tag: 'first' });
    expect(view.status).toBe('success');
    const consumed = outputOf(view, 'consume');
    expect((consumed.result as { rows: number }).rows).toBe(2);
    const again = await readObject((consumed.outputs['again'] as ArtifactRef).uri);
    expect(again.toString()).toBe('A,B,FIRST,rows=2\r\nC,D,FIRST,rows=2\r\n');
  });

  it('fails a non-zero exit with the code and the last 20 stderr lines, retries it, and keeps the logs', async () => {
    const { view, workflowId } = await run(commandRetried, { spec: { command: 'python3', args: [`${FIX}/fail.py`, '30', '3'] } });
    expect(view.status).toBe('failed');
    const t = taskOf(view, 'run');
    expect(t.attempts).toBe(3);
    expect(t.error).toMatch(
      /^CommandFailed: command "python3" exited with code 3 after [\d.]+ s; last 20 line\(s\) of stderr \(full stderr: s3:\/\/\S+\/logs\/run\/attempt-3\/stderr\.txt\):\n/,
    );
    const lines = (t.error ?? '').split('\n').slice(1);
    expect(lines).toEqual(Array.from({ length: 20 }, (_, i) => `error line ${i + 11}`));
    for (const attempt of [1, 2, 3]) {
      const base = `s3://${h.store.bucket}/${h.store.prefix}runs/t_command_retry/${workflowId}/logs/run/attempt-${attempt}`;
      expect((await readObject(`${base}/stderr.txt`)).toString().split('\n')).toHaveLength(31);
      expect((await readObject(`${base}/stdout.txt`)).toString()).toBe('about to fail\n');
    }
  });

  it('kills the whole process group on its own timeout: SIGTERM, then SIGKILL, grandchild included', async () => {
    const pidfile = join(scratch, 'timeout.json');
    const started = run(commandOnce, {
      spec: {
        command: 'python3',
        args: [`${FIX}/sleeper.py`, '--pidfile', pidfile, '--seconds', '120', '--grandchild', '--ignore-term'],
        timeoutSeconds: 2,
        killGraceSeconds: 1,
      },
    });
    const pids = await waitForFile(pidfile);
    expect(isAlive(pids.pid)).toBe(true);
    expect(isAlive(pids.grandchild)).toBe(true);
    const { view } = await started;
    // The task fails only once the group is gone: no polling needed.
    expect(isAlive(pids.pid)).toBe(false);
    expect(isAlive(pids.grandchild)).toBe(false);
    const t = taskOf(view, 'run');
    expect(t.state).toBe('failed');
    expect(t.error).toMatch(
      /^CommandTimedOut: command "python3" timed out after [\d.]+ s: sent SIGTERM to its process group, then SIGKILL after the 1\.0 s grace period; last \d+ line\(s\) of stderr/,
    );
    expect(t.error).toMatch(/step \d+ of 480/);
  });

  it('kills the process group when the workflow is cancelled', async () => {
    const pidfile = join(scratch, 'cancel.json');
    const handle = await startDagRun(h.client, commandOnce, {
      taskQueue: h.taskQueue,
      params: { spec: { command: 'python3', args: [`${FIX}/sleeper.py`, '--pidfile', pidfile, '--seconds', '120', '--grandchild'] } },
    });
    const pids = await waitForFile(pidfile);
    expect(isAlive(pids.pid) && isAlive(pids.grandchild)).toBe(true);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow();
    expect((await handle.describe()).status.name).toBe('CANCELLED');
    // Cancellation reaches the activity with its next heartbeat: wait for it (bounded), then check.
    for (let i = 0; i < 600 && (isAlive(pids.pid) || isAlive(pids.grandchild)); i++) await sleep(50);
    expect(isAlive(pids.pid)).toBe(false);
    expect(isAlive(pids.grandchild)).toBe(false);
  });

  it('stops processes a successful command left behind in its group', async () => {
    const pidfile = join(scratch, 'orphan.json');
    const { view } = await run(commandOnce, {
      spec: { command: 'python3', args: [`${FIX}/sleeper.py`, '--pidfile', pidfile, '--seconds', '1', '--grandchild', '--exit-early'] },
    });
    expect(view.status).toBe('success');
    const pids = JSON.parse(readFileSync(pidfile, 'utf8')) as { grandchild: number };
    expect(isAlive(pids.grandchild)).toBe(false);
  });

  it('heartbeats with progress, so a run longer than its heartbeatTimeout succeeds', async () => {
    const pidfile = join(scratch, 'heartbeat.json');
    // heartbeatTimeout is 2 s; the script runs 6 s.
    const handle = await startDagRun(h.client, commandOnce, {
      taskQueue: h.taskQueue,
      params: { spec: { command: 'python3', args: [`${FIX}/sleeper.py`, '--pidfile', pidfile, '--seconds', '6'] } },
    });
    let seen: { phase?: string; lastStderrLine?: string; stderrBytes?: number; pid?: number } | undefined;
    for (let i = 0; i < 200 && !seen?.lastStderrLine; i++) {
      const pending = (await handle.describe()).raw.pendingActivities ?? [];
      const payload = pending[0]?.heartbeatDetails?.payloads?.[0];
      if (payload) seen = defaultPayloadConverter.fromPayload(payload);
      await sleep(100);
    }
    const { view } = await waitForRun(handle).then((o) => ({ view: o.view as RunView }));
    expect(view.status).toBe('success');
    expect(taskOf(view, 'run').attempts).toBe(1);
    expect(seen?.phase).toBe('running');
    expect(seen?.lastStderrLine).toMatch(/^step \d+ of 24$/);
    expect(seen?.stderrBytes).toBeGreaterThan(0);
    expect(seen?.pid).toBe((JSON.parse(readFileSync(pidfile, 'utf8')) as { pid: number }).pid);
  });

  it('masks worker secrets in the logs, the result, the failure message and the history', async () => {
    const ok = await run(commandOnce, {
      spec: { command: 'python3', args: [`${FIX}/leak_secret.py`, SECRET_NAME, '0'], envFromWorker: [SECRET_NAME] },
    });
    expect(ok.view.status).toBe('success');
    const out = outputOf(ok.view);
    expect((await readObject(out.stdout.uri)).toString()).toBe('token=***\nagain:***\n');
    expect((await readObject(out.stderr.uri)).toString()).toBe('connecting with *** ...\nok\n');
    expect(out.result).toEqual({ echo: '***', length: SECRET.length });

    const failed = await run(commandOnce, {
      spec: { command: 'python3', args: [`${FIX}/leak_secret.py`, SECRET_NAME, '1'], envFromWorker: [SECRET_NAME] },
    });
    const t = taskOf(failed.view, 'run');
    expect(t.error).toContain('connecting with *** ...');
    const stderr = `s3://${h.store.bucket}/${h.store.prefix}runs/t_command/${failed.workflowId}/logs/run/attempt-1/stderr.txt`;
    expect((await readObject(stderr)).toString()).toBe('connecting with *** ...\nfailing now\n');
    for (const workflowId of [ok.workflowId, failed.workflowId]) {
      const history = decodedHistory(await h.client.workflow.getHandle(workflowId).fetchHistory());
      expect(history).toContain(SECRET_NAME);
      expect(history).not.toContain(SECRET);
    }
  });

  it('rejects an unknown placeholder at once, naming it and listing what exists', async () => {
    const { view } = await run(commandRetried, {
      spec: {
        command: 'python3',
        args: ['x.py', '{{inputs.dat}}', '{{outputs.model}}'],
        inputs: { data: 's3://b/k.csv' },
        outputs: { model: 'm.json' },
      },
    });
    const t = taskOf(view, 'run');
    expect(t.attempts).toBe(1);
    expect(t.error).toContain(
      "UnknownPlaceholder: args[1]: unknown placeholder {{inputs.dat}}: no input 'dat' is declared (declared inputs: data). Available placeholders: {{ds}}",
    );
    expect(t.error).toContain('{{inputs.data}}, {{outputs.model}}');
  });

  it('reports a missing executable as CommandNotFound without retrying', async () => {
    const { view } = await run(commandRetried, { spec: { command: 'tideflow-no-such-tool', args: ['--help'] } });
    const t = taskOf(view, 'run');
    expect(t.attempts).toBe(1);
    expect(t.error).toMatch(/^CommandNotFound: command "tideflow-no-such-tool" not found on PATH \(/);
  });

  it('fails when a declared output was not written, or the result is too large, or an input is corrupted', async () => {
    const input = await putObject(`command-tests/${randomUUID()}/in.csv`, 'x\n');
    const missing = await run(commandRetried, {
      spec: {
        command: 'python3',
        args: [`${FIX}/roundtrip.py`, '--input', '{{inputs.data}}', '--output', '{{outputs.table}}', '--tag', 't'],
        inputs: { data: input },
        outputs: { table: 't.csv', model: 'model.bin' },
      },
    });
    expect(taskOf(missing.view, 'run')).toMatchObject({ attempts: 1 });
    expect(taskOf(missing.view, 'run').error).toBe(
      "CommandOutputMissing: the command exited 0 but declared output(s) 'model' (model.bin) was not written; write each to its {{outputs.<name>}} path",
    );

    const big = await run(commandRetried, { spec: { command: 'python3', args: [`${FIX}/write_result.py`, '70000'] } });
    expect(taskOf(big.view, 'run').error).toMatch(
      /^CommandResultTooLarge: the result written to \$TIDEFLOW_OUTPUT_FILE is 7\d{4} bytes, over the 65536-byte limit/,
    );

    const corrupt = await run(commandRetried, {
      spec: { command: 'python3', args: ['{{inputs.data}}'], inputs: { data: { ...input, sha256: 'f'.repeat(64) } } },
    });
    expect(taskOf(corrupt.view, 'run')).toMatchObject({ attempts: 1 });
    expect(taskOf(corrupt.view, 'run').error).toContain(
      `InvalidArtifact: input 'data': ${input.uri} is corrupted: its content is 2 bytes with sha256 ${input.sha256}, expected sha256 ${'f'.repeat(64)}`,
    );
  });
});

describe('python_train example DAG', () => {
  it('prepares the penguins CSV, trains a nearest-centroid model in Python, gates on its accuracy and reports', async () => {
    const { view, workflowId } = await run(pythonTrain as DagDefinition, {});
    expect(view.status).toBe('success');
    expect(Object.fromEntries(view.tasks.map((t) => [t.id, t.state]))).toEqual({
      prepare: 'success',
      train: 'success',
      gate: 'success',
      report: 'success',
      rejected: 'skipped',
    });
    expect(outputOf(view, 'prepare').result).toMatchObject({ rows: 333, dropped: 11 });
    const train = outputOf(view, 'train');
    expect(train.result).toMatchObject({ trainRows: 266, testRows: 67, classes: ['Adelie', 'Chinstrap', 'Gentoo'] });
    const accuracy = (train.result as { accuracy: number }).accuracy;
    expect(accuracy).toBeGreaterThanOrEqual(0.9);
    const model = JSON.parse((await readObject((train.outputs['model'] as ArtifactRef).uri)).toString()) as {
      features: string[];
      centroids: Record<string, number[]>;
    };
    expect(Object.keys(model.centroids)).toEqual(['Adelie', 'Chinstrap', 'Gentoo']);
    expect(model.features).toHaveLength(4);
    const report = (await readObject((outputOf(view, 'report').outputs['report'] as ArtifactRef).uri)).toString();
    expect(report).toContain(`- run: \`${workflowId}\``);
    expect(report).toContain(`- test accuracy: ${accuracy.toFixed(4)}`);
    expect((await readObject(train.stderr.uri)).toString()).toContain('class Gentoo: ');

    const weak = await run(pythonTrain as DagDefinition, { minAccuracy: 1, features: ['body_mass_g'] });
    expect(weak.view.status).toBe('success');
    expect(taskOf(weak.view, 'report').state).toBe('skipped');
    expect(taskOf(weak.view, 'rejected').state).toBe('success');
  });
});
