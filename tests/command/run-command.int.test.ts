/**
 * runCommand on the real servers of the global setup (Temporal dev server + MinIO) with real
 * Python scripts (tests/command/fixtures/): staging, templating, outputs, results passed
 * downstream, failures with the stderr tail and retries, refusals (unknown placeholder, missing
 * executable, missing or oversized outputs, corrupted inputs). Process groups, heartbeats and
 * secrets: run-command-processes.int.test.ts; the python_train example DAG: python-train.int.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ArtifactRef } from '../../activities/command/types';
import { runToEnd, taskOf } from '../integration/harness';
import { commandChain, commandOnce, commandRetried } from './dags';
import { FIX, outputOf, putObject, readObject, SECRET_NAME, sha, useCommandWorker } from './helpers';

const { h } = useCommandWorker('command');

describe('runCommand on real servers', () => {
  it('stages inputs, renders placeholders, uploads outputs and logs, and returns the JSON result', async () => {
    const csv = 'species,mass\nadelie,3750\ngentoo,5000\n';
    const input = await putObject(h, `command-tests/${randomUUID()}/in.csv`, csv);
    const { view, workflowId } = await runToEnd(h, commandOnce, {
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
    const body = await readObject(h, table.uri);
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
    expect(JSON.parse((await readObject(h, out.stdout.uri)).toString())).toEqual(result.argv);
    expect((await readObject(h, out.stderr.uri)).toString()).toBe('copied 3 rows\n');
  });

  it('passes a file output and the result to the next command (inputs from an upstream ref, vars)', async () => {
    const input = await putObject(h, `command-tests/${randomUUID()}/in.csv`, 'a,b\nc,d\n');
    const { view } = await runToEnd(h, commandChain, { source: input.uri, tag: 'first' });
    expect(view.status).toBe('success');
    const consumed = outputOf(view, 'consume');
    expect((consumed.result as { rows: number }).rows).toBe(2);
    const again = await readObject(h, (consumed.outputs['again'] as ArtifactRef).uri);
    expect(again.toString()).toBe('A,B,FIRST,rows=2\r\nC,D,FIRST,rows=2\r\n');
  });

  it('fails a non-zero exit with the code and the last 20 stderr lines, retries it, and keeps the logs', async () => {
    const { view, workflowId } = await runToEnd(h, commandRetried, { spec: { command: 'python3', args: [`${FIX}/fail.py`, '30', '3'] } });
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
      expect((await readObject(h, `${base}/stderr.txt`)).toString().split('\n')).toHaveLength(31);
      expect((await readObject(h, `${base}/stdout.txt`)).toString()).toBe('about to fail\n');
    }
  });

  it('rejects an unknown placeholder at once, naming it and listing what exists', async () => {
    const { view } = await runToEnd(h, commandRetried, {
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
    const { view } = await runToEnd(h, commandRetried, { spec: { command: 'tideflow-no-such-tool', args: ['--help'] } });
    const t = taskOf(view, 'run');
    expect(t.attempts).toBe(1);
    expect(t.error).toMatch(/^CommandNotFound: command "tideflow-no-such-tool" not found on PATH \(/);
  });

  it('fails when a declared output was not written, or the result is too large, or an input is corrupted', async () => {
    const input = await putObject(h, `command-tests/${randomUUID()}/in.csv`, 'x\n');
    const missing = await runToEnd(h, commandRetried, {
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

    const big = await runToEnd(h, commandRetried, { spec: { command: 'python3', args: [`${FIX}/write_result.py`, '70000'] } });
    expect(taskOf(big.view, 'run').error).toMatch(
      /^CommandResultTooLarge: the result written to \$TIDEFLOW_OUTPUT_FILE is 7\d{4} bytes, over the 65536-byte limit/,
    );

    const corrupt = await runToEnd(h, commandRetried, {
      spec: { command: 'python3', args: ['{{inputs.data}}'], inputs: { data: { ...input, sha256: 'f'.repeat(64) } } },
    });
    expect(taskOf(corrupt.view, 'run')).toMatchObject({ attempts: 1 });
    expect(taskOf(corrupt.view, 'run').error).toContain(
      `InvalidArtifact: input 'data': ${input.uri} is corrupted: its content is 2 bytes with sha256 ${input.sha256}, expected sha256 ${'f'.repeat(64)}`,
    );
  });
});
