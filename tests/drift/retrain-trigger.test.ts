/** The trigger a controller-started retrain runs with (pure): 'schedule' only when every alert of the batch is a scheduled request. */
import { describe, expect, it } from 'vitest';
import { retrainTrigger, type DriftAlert } from '../../mlops/retrain-policy';

const alert = (source: string, fingerprint = source): DriftAlert => ({ fingerprint, reason: 'r', source });

describe('retrainTrigger', () => {
  it("scheduled requests only → 'schedule'; any drift alert in the batch → 'drift'", () => {
    expect(retrainTrigger([alert('schedule', 'schedule:scheduled_retrain:2024-01-01')])).toBe('schedule');
    expect(retrainTrigger([alert('schedule', 'a'), alert('schedule', 'b')])).toBe('schedule');
    expect(retrainTrigger([alert('schedule'), alert('monitoring')])).toBe('drift');
    expect(retrainTrigger([alert('alertmanager')])).toBe('drift');
    expect(retrainTrigger([])).toBe('drift');
  });
});
