import { describe, expect, it } from 'vitest';
import { decideGate, higherIsBetter } from '../../mlops/gate';

describe('decideGate (TFX blessing semantics)', () => {
  it('value thresholds: lower ≤ metric ≤ upper, each bound its own check', () => {
    const d = decideGate(
      { accuracy: 0.92, log_loss: 0.31 },
      [
        { metric: 'accuracy', lower: 0.9 },
        { metric: 'log_loss', upper: 0.3 },
      ],
      null,
    );
    expect(d.blessed).toBe(false);
    expect(d.checks.map((c) => [c.metric, c.kind, c.passed])).toEqual([
      ['accuracy', 'value', true],
      ['log_loss', 'value', false],
    ]);
    expect(d.summary).toBe('not blessed: log_loss = 0.31 fails ≤ 0.3');
  });

  it('change thresholds are ignored without a champion, value thresholds still apply', () => {
    const t = [{ metric: 'accuracy', lower: 0.5, absoluteChange: 0.01 }];
    const d = decideGate({ accuracy: 0.8 }, t, null);
    expect(d.blessed).toBe(true);
    expect(d.changeThresholdsIgnored).toBe(true);
    expect(d.checks).toHaveLength(1);
    expect(d.summary).toContain('change thresholds ignored');
  });

  it('absolute change, higher-is-better: diff ≥ absolute (a negative absolute tolerates a small regression)', () => {
    const champ = { version: 3, metrics: { accuracy: 0.9 } };
    expect(decideGate({ accuracy: 0.895 }, [{ metric: 'accuracy', absoluteChange: -0.01 }], champ).blessed).toBe(true);
    const d = decideGate({ accuracy: 0.88 }, [{ metric: 'accuracy', absoluteChange: -0.01 }], champ);
    expect(d.blessed).toBe(false);
    expect(d.checks[0]?.baseline).toBe(0.9);
    expect(d.checks[0]?.message).toBe('accuracy 0.88 vs champion v3 0.9: change -0.02 fails ≥ -0.01');
  });

  it('lower-is-better metrics flip the comparison (diff ≤ absolute), relative uses diff / |baseline|', () => {
    const champ = { version: 1, metrics: { rmse: 10 } };
    // rmse 9 → diff −1, relative −0.1: passes "≤ −0.05" (must improve by 5%)
    expect(decideGate({ rmse: 9 }, [{ metric: 'rmse', relativeChange: -0.05 }], champ).blessed).toBe(true);
    expect(decideGate({ rmse: 9.8 }, [{ metric: 'rmse', relativeChange: -0.05 }], champ).blessed).toBe(false);
    expect(higherIsBetter('rmse')).toBe(false);
    expect(higherIsBetter('roc_auc')).toBe(true);
  });

  it('absolute and relative are ANDed', () => {
    const champ = { metrics: { f1: 0.5 } };
    const t = [{ metric: 'f1', absoluteChange: 0.01, relativeChange: 0.05 }];
    // +0.02 absolute passes, +4% relative fails
    const d = decideGate({ f1: 0.52 }, t, champ);
    expect(d.checks.map((c) => c.passed)).toEqual([true, false]);
    expect(d.blessed).toBe(false);
  });

  it('an explicit direction overrides the name', () => {
    const d = decideGate({ custom_cost: 5 }, [{ metric: 'custom_cost', higherIsBetter: false, absoluteChange: 0 }], {
      metrics: { custom_cost: 6 },
    });
    expect(d.blessed).toBe(true);
  });

  it('a missing metric fails, naming where it is missing', () => {
    const d = decideGate({ accuracy: 0.9 }, [{ metric: 'roc_auc', lower: 0.5 }], null);
    expect(d.blessed).toBe(false);
    expect(d.summary).toContain("roc_auc: metric not found in the candidate's evaluation");
    const e = decideGate({ roc_auc: 0.9 }, [{ metric: 'roc_auc', absoluteChange: 0 }], { version: 2, metrics: { accuracy: 0.8 } });
    expect(e.blessed).toBe(false);
    expect(e.summary).toContain("roc_auc: metric not found in champion v2's metrics");
  });

  it('NaN metrics never pass', () => {
    expect(decideGate({ accuracy: NaN }, [{ metric: 'accuracy', lower: 0 }], null).blessed).toBe(false);
  });
});
