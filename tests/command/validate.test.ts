/** Input checks and the command allow-list (pure). */
import type { ApplicationFailure } from '@temporalio/common';
import { taskFailure } from '../../activities/task-runner';
import { describe, expect, it } from 'vitest';
import { checkAllowed, validateCommandInput } from '../../activities/command/validate';

function failure(fn: () => unknown): ApplicationFailure {
  try {
    fn();
  } catch (err) {
    // As the worker reports it: through the task runner's one translation.
    return taskFailure(err, 1);
  }
  throw new Error('did not throw');
}

describe('validateCommandInput', () => {
  it('accepts a complete input', () => {
    const input = {
      command: 'python3',
      args: ['train.py', '--x', '{{ds}}'],
      inputs: { data: 's3://b/k.csv', ref: { uri: 's3://b/k', bytes: 3, sha256: 'a'.repeat(64) } },
      outputs: { model: 'model/model.json' },
      vars: { n: 1 },
      env: { MODE: 'fast' },
      envFromWorker: ['AWS_SECRET_ACCESS_KEY'],
      cwd: 'examples',
      timeoutSeconds: 10,
    };
    expect(validateCommandInput(input)).toEqual(input);
  });

  it('lists every problem, non-retryable', () => {
    const f = failure(() =>
      validateCommandInput({
        command: 'python3 train.py',
        args: ['ok', 3],
        inputs: { 'bad name': 'http://x/y' },
        outputs: { model: '../escape.json', abs: '/etc/passwd' },
        env: { TIDEFLOW_RUN_ID: 'x', 'A-B': 'y' },
        envFromWorker: ['SECRET'],
        timeoutSeconds: -1,
      }),
    );
    expect(f.type).toBe('InvalidCommandInput');
    expect(f.nonRetryable).toBe(true);
    for (const part of [
      'command "python3 train.py" contains whitespace: put the executable in command and each argument in args',
      'args must be an array of strings',
      'inputs name "bad name" must match',
      'inputs.bad name must be an s3://bucket/key URI',
      `outputs.model: "../escape.json" has an empty, '.' or '..' segment`,
      `outputs.abs: "/etc/passwd" must be relative`,
      'env.TIDEFLOW_RUN_ID is set by Tideflow and cannot be overridden',
      'env name "A-B" must match',
      'timeoutSeconds must be a number of seconds',
    ])
      expect(f.message).toContain(part);
  });

  it('rejects an empty command and a corrupt sha256', () => {
    expect(failure(() => validateCommandInput({ command: '' })).message).toContain('command must be a non-empty string');
    expect(failure(() => validateCommandInput({ command: 'x', inputs: { d: { uri: 's3://b/k', sha256: 'nothex' } } })).message).toContain(
      'inputs.d.sha256 must be 64 lowercase hex digits',
    );
  });
});

describe('TIDEFLOW_COMMAND_ALLOW', () => {
  it('allows everything when unset', () => {
    expect(() => checkAllowed('anything', '/repo', undefined)).not.toThrow();
  });

  it('matches bare names exactly, paths after resolving, directories by prefix', () => {
    const allow = 'python3, /usr/bin/Rscript, /opt/jobs/';
    expect(() => checkAllowed('python3', '/repo', allow)).not.toThrow();
    expect(() => checkAllowed('/usr/bin/Rscript', '/repo', allow)).not.toThrow();
    expect(() => checkAllowed('../../usr/bin/Rscript', '/repo/sub', allow)).not.toThrow();
    expect(() => checkAllowed('/opt/jobs/train.sh', '/repo', allow)).not.toThrow();
    const f = failure(() => checkAllowed('bash', '/repo', allow));
    expect(f.type).toBe('CommandNotAllowed');
    expect(f.nonRetryable).toBe(true);
    expect(f.message).toBe(
      'command "bash" is not allowed on this worker: TIDEFLOW_COMMAND_ALLOW permits "python3", "/usr/bin/Rscript", "/opt/jobs/"',
    );
    expect(() => checkAllowed('/opt/jobs/../../bin/sh', '/repo', allow)).toThrow('not allowed');
    expect(() => checkAllowed('/usr/bin/python3', '/repo', allow)).toThrow('not allowed');
  });
});
