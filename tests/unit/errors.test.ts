/** The error hierarchy and its one translation into Temporal failures (pure). */
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ArtifactError, ConfigError, FailureType, InputError, locateError, TransientError } from '../../core/errors';
import { taskFailure } from '../../activities/task-runner';
import { FeaturePipelineError } from '../../ml/features';
import { EstimatorInputError } from '../../ml/estimators';
import { ArtifactCorruptedError, InvalidKeyError, MissingArtifactError } from '../../storage/artifacts/errors';
import { NotFoundError, RegistryError } from '../../registry';

describe('taskFailure', () => {
  it('keeps the type and retryability of Tideflow errors, and attaches the attempt', () => {
    const cases: [Error, string, boolean][] = [
      [new InputError('x'), 'InvalidInput', true],
      [new InputError('x', { type: FailureType.InvalidSplit }), 'InvalidSplit', true],
      [new ArtifactError('x'), 'InvalidArtifact', true],
      [new ArtifactCorruptedError('x'), 'InvalidArtifact', true],
      [new MissingArtifactError('x'), 'MissingArtifact', true],
      [new ConfigError('x', { type: FailureType.CommandNotAllowed }), 'CommandNotAllowed', true],
      [new TransientError('x', { type: FailureType.CommandSpawnFailed }), 'CommandSpawnFailed', false],
      // Subclasses with a name of their own keep it as their type.
      [new FeaturePipelineError('x'), 'FeaturePipelineError', true],
      [new EstimatorInputError('x'), 'EstimatorInputError', true],
      [new InvalidKeyError('x'), 'InvalidKeyError', true],
      [new RegistryError('x'), 'RegistryError', true],
      [new NotFoundError('x'), 'RegistryNotFoundError', true],
    ];
    for (const [err, type, nonRetryable] of cases) {
      const f = taskFailure(err, 3);
      expect(f, err.name).toBeInstanceOf(ApplicationFailure);
      expect({ type: f.type, nonRetryable: f.nonRetryable, message: f.message }).toEqual({ type, nonRetryable, message: 'x' });
      expect(f.details?.[0]).toEqual({ tideflowAttempt: 3 });
    }
  });

  it('passes ApplicationFailures through and leaves unexpected errors retryable under their own name', () => {
    const af = taskFailure(ApplicationFailure.nonRetryable('gone', 'Custom', { a: 1 }), 2);
    expect([af.type, af.nonRetryable, af.details]).toEqual(['Custom', true, [{ tideflowAttempt: 2 }, { a: 1 }]]);
    const bug = taskFailure(new TypeError('undefined is not a function'), 1);
    expect([bug.type, bug.nonRetryable]).toEqual(['TypeError', false]);
    expect(taskFailure('a string', 1).message).toBe('a string');
  });

  it('locateError says where, without changing what the error is', () => {
    const err = locateError(new FeaturePipelineError("column 'x' is missing"), 'trial 0 (gbt)');
    expect(err).toBeInstanceOf(FeaturePipelineError);
    expect((err as Error).message).toBe("trial 0 (gbt): column 'x' is missing");
    const other = new TypeError('bug');
    expect(locateError(other, 'where')).toBe(other);
    expect(other.message).toBe('bug');
  });
});
