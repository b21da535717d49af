/**
 * The real `tideflow` launcher as a child process, for everything that needs no Temporal
 * server. Commands that would connect are pointed at an address nothing listens on, so
 * "nothing was started" is checked by the absence of a connection error.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dags } from '../../dags';
import { runCli } from '../../cli/main';
import { createDagDefiner } from '../../core/define';
import type { DagDefinition } from '../../core/model';
import { captureIo, ROOT, runCliProcess, UNREACHABLE_ENV } from './helpers';

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('tideflow (no server needed)', () => {
  it('--help lists the commands; --version prints the package version', async () => {
    const help = await runCliProcess(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of ['dags list', 'dags validate', 'trigger', 'runs show']) expect(help.stdout).toContain(cmd);
    expect(help.stderr).toBe('');
    const v = await runCliProcess(['--version']);
    expect([v.code, v.stdout]).toEqual([0, `${version}\n`]);
  });

  it('every command has --help with its flags and an example', async () => {
    const expected: Record<string, string[]> = {
      'dags list': ['--json'],
      'dags validate': [],
      trigger: ['--params <json>', '--logical-date <iso>', '--wait', '--json'],
      'runs show': ['--run-id <id>', '--json'],
    };
    for (const [cmd, flags] of Object.entries(expected)) {
      const r = await runCliProcess([...cmd.split(' '), '--help']);
      expect(r.code, cmd).toBe(0);
      expect(r.stdout).toContain(`Usage: tideflow ${cmd}`);
      for (const flag of [...flags, '--help']) expect(r.stdout, `${cmd} ${flag}`).toContain(flag);
      expect(r.stdout).toMatch(/Examples?:\n {2}tideflow /);
    }
  });

  it('an unknown command is exit 2 with a hint', async () => {
    const r = await runCliProcess(['trgger']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown command 'trgger' (did you mean 'trigger'?)");
    expect(r.stderr).toContain("run 'tideflow --help'");
    expect(r.stdout).toBe('');
  });

  it('dags list --json describes every DAG, with its params JSON Schema', async () => {
    const r = await runCliProcess(['dags', 'list', '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const listed = JSON.parse(r.stdout) as {
      id: string;
      taskCount: number;
      paramsSchema: { properties: Record<string, unknown> };
      tasks: { id: string }[];
    }[];
    expect(listed.map((d) => d.id)).toEqual(dags.map((d) => d.id));
    const etl = listed.find((d) => d.id === 'example_etl');
    expect(etl).toMatchObject({
      schedule: { cron: '0 3 * * *', timezone: 'UTC' },
      taskCount: 9,
      paramsSchema: { type: 'object', properties: { rows: { type: 'integer', default: 500 } } },
    });
    expect(etl?.tasks.find((t) => t.id === 'summarize_region')).toMatchObject({ activity: 'summarizeRegion', mapsOver: 'regions' });
  });

  it('dags list (table) shows tasks with upstreams and markers', async () => {
    const r = await runCliProcess(['dags', 'list']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/summarize_region\s+regions\s+summarizeRegion\s+maps over regions/);
    expect(r.stdout).toMatch(/has_rows\s+extract\s+\(empty\)\s+short-circuit/);
  });

  it('dags validate passes the project DAGs without any server', async () => {
    const r = await runCliProcess(['dags', 'validate'], UNREACHABLE_ENV);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^${dags.length} DAG\\(s\\) valid`));
  });

  it('bad params are exit 2, every issue listed, nothing started', async () => {
    const r = await runCliProcess(
      ['trigger', 'example_etl', '--params', '{"rows": -1, "regions": [], "minRevenue": "x"}'],
      UNREACHABLE_ENV,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Invalid params for DAG 'example_etl'");
    for (const field of ['rows', 'regions', 'minRevenue']) expect(r.stderr).toContain(`  - ${field}: `);
    // Had it tried to start the run, it would have failed to connect instead.
    expect(r.stderr).not.toContain('cannot reach Temporal');
    expect(r.stdout).toBe('');
  });

  it('--params that is not a JSON object is exit 2', async () => {
    const bad = await runCliProcess(['trigger', 'example_etl', '--params', '{rows: 1}'], UNREACHABLE_ENV);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('--params is not valid JSON')]);
    const arr = await runCliProcess(['trigger', 'example_etl', '--params', '[1]'], UNREACHABLE_ENV);
    expect([arr.code, arr.stderr]).toEqual([2, expect.stringContaining('--params must be a JSON object, got an array')]);
  });

  it('an unknown DAG is exit 2 and lists the known ones', async () => {
    const r = await runCliProcess(['trigger', 'no_such_dag'], UNREACHABLE_ENV);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: unknown DAG 'no_such_dag'");
    expect(r.stderr).toContain(`known DAGs: ${dags.map((d) => d.id).join(', ')}`);
  });

  it('an unknown flag is exit 2 and names the command', async () => {
    const r = await runCliProcess(['runs', 'show', 'x', '--jsn']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--jsn' for 'tideflow runs show' (did you mean --json?)");
  });

  it('bad configuration is exit 2 with the variable named', async () => {
    const r = await runCliProcess(['trigger', 'example_etl'], { TIDEFLOW_BUCKET: 'Not_A_Bucket' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('TIDEFLOW_BUCKET');
  });

  it('an unreachable server is one clear line, exit 1, no stack trace, no hang, no secrets', async () => {
    const secrets = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'very-secret-aws-value' };
    const r = await runCliProcess(['runs', 'show', 'some-run'], { ...UNREACHABLE_ENV, ...secrets });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: cannot reach Temporal at 127\.0\.0\.1:1 \(is `npm start` running\? set TEMPORAL_ADDRESS\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stderr + r.stdout).not.toContain('very-secret-aws-value');
    expect(r.ms).toBeLessThan(20_000);
  }, 30_000);
});

describe('bin/quiet-warnings.js', () => {
  it("drops the AWS SDK's NodeVersionSupportWarning and nothing else", async () => {
    const script = [
      "process.emitWarning('NodeVersionSupportWarning: The AWS SDK for JavaScript (v3) ...');",
      "process.emitWarning('a different warning', 'CustomWarning');",
    ].join('');
    const r = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['-r', join(ROOT, 'bin', 'quiet-warnings.js'), '-e', script], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', () => resolve(stderr));
    });
    expect(r).not.toContain('NodeVersionSupportWarning');
    expect(r).toContain('CustomWarning: a different warning');
  });
});

describe('dags validate (in process, with a broken DAG)', () => {
  it('exits 1 with the validation message naming DAG and task', async () => {
    const defineDag = createDagDefiner<{ noop: () => Promise<void> }>();
    const broken = defineDag({ id: 'broken_dag' }, (dag) => {
      dag.task('uses_missing', { activity: 'noop', upstream: ['ghost'] });
    }) as DagDefinition;
    dags.push(broken);
    try {
      const io = captureIo();
      expect(await runCli(['dags', 'validate'], io)).toBe(1);
      expect(io.err()).toContain("DAG 'broken_dag', task 'uses_missing': depends on unknown task 'ghost'");
      expect(io.out()).toBe('');
    } finally {
      dags.splice(dags.indexOf(broken), 1);
    }
  });
});
