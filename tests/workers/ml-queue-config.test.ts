/** TIDEFLOW_ML_TASK_QUEUE / TIDEFLOW_ML_ONLY / TIDEFLOW_ML_MAX_CONCURRENT, validated with errors naming the variable. */
import { describe, expect, it } from 'vitest';
import { mlQueueFromEnv } from '../../workers/ml-queue';

describe('mlQueueFromEnv', () => {
  it('no ML queue by default; a blank value counts as unset', () => {
    expect(mlQueueFromEnv({})).toMatchObject({ mlOnly: false });
    expect(mlQueueFromEnv({}).taskQueue).toBeUndefined();
    expect(mlQueueFromEnv({ TIDEFLOW_ML_TASK_QUEUE: '' }).taskQueue).toBeUndefined();
    expect(mlQueueFromEnv({}).maxConcurrent).toBeGreaterThanOrEqual(1);
  });

  it('an ML queue besides the main one, or only it, with a concurrency cap', () => {
    expect(mlQueueFromEnv({ TIDEFLOW_ML_TASK_QUEUE: 'ml', TIDEFLOW_ML_MAX_CONCURRENT: '3' })).toEqual({
      taskQueue: 'ml',
      mlOnly: false,
      maxConcurrent: 3,
    });
    expect(mlQueueFromEnv({ TIDEFLOW_ML_TASK_QUEUE: 'ml', TIDEFLOW_ML_ONLY: 'true' })).toMatchObject({ taskQueue: 'ml', mlOnly: true });
  });

  it('refuses ML-only without a queue, and bad values, naming the variable', () => {
    expect(() => mlQueueFromEnv({ TIDEFLOW_ML_ONLY: 'true' })).toThrow(/TIDEFLOW_ML_ONLY.*needs TIDEFLOW_ML_TASK_QUEUE/s);
    expect(() => mlQueueFromEnv({ TIDEFLOW_ML_ONLY: 'yes' })).toThrow(/TIDEFLOW_ML_ONLY/);
    expect(() => mlQueueFromEnv({ TIDEFLOW_ML_TASK_QUEUE: 'ml', TIDEFLOW_ML_MAX_CONCURRENT: '0' })).toThrow(/TIDEFLOW_ML_MAX_CONCURRENT/);
  });
});
