import { describe, expect, it } from 'vitest';
import { changeLimits, decideGate, higherIsBetter, type MetricThreshold } from '../../mlops/gate';

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
    const t = [{ metric: 'accuracy', lower: 0.5, maxDrop: -0.01 }];
    const d = decideGate({ accuracy: 0.8 }, t, null);
    expect(d.blessed).toBe(true);
    expect(d.changeThresholdsIgnored).toBe(true);
    expect(d.checks).toHaveLength(1);
    expect(d.summary).toContain('change thresholds ignored');
  });

  it('maxDrop, higher-is-better: drop = champion − candidate ≤ maxDrop (a negative maxDrop asks for an improvement)', () => {
    const champ = { version: 3, metrics: { accuracy: 0.9 } };
    expect(decideGate({ accuracy: 0.895 }, [{ metric: 'accuracy', maxDrop: 0.01 }], champ).blessed).toBe(true);
    const d = decideGate({ accuracy: 0.88 }, [{ metric: 'accuracy', maxDrop: 0.01 }], champ);
    expect(d.blessed).toBe(false);
    expect(d.checks[0]?.baseline).toBe(0.9);
    expect(d.checks[0]?.threshold).toBe('drop ≤ 0.01');
    expect(d.checks[0]?.message).toBe('accuracy 0.88 vs champion v3 0.9: drop 0.02 fails ≤ 0.01');
    expect(decideGate({ accuracy: 0.905 }, [{ metric: 'accuracy', maxDrop: -0.01 }], champ).blessed).toBe(false);
  });

  it('lower-is-better metrics: drop = candidate − champion; maxRelativeDrop uses drop / |champion|', () => {
    const champ = { version: 1, metrics: { rmse: 10 } };
    // rmse 9 → drop −1, relative −0.1: passes "≤ −0.05" (must improve by 5%)
    expect(decideGate({ rmse: 9 }, [{ metric: 'rmse', maxRelativeDrop: -0.05 }], champ).blessed).toBe(true);
    expect(decideGate({ rmse: 9.8 }, [{ metric: 'rmse', maxRelativeDrop: -0.05 }], champ).blessed).toBe(false);
    expect(higherIsBetter('rmse')).toBe(false);
    expect(higherIsBetter('roc_auc')).toBe(true);
  });

  it('maxDrop and maxRelativeDrop are ANDed', () => {
    const champ = { metrics: { f1: 0.5 } };
    const t = [{ metric: 'f1', maxDrop: -0.01, maxRelativeDrop: -0.05 }];
    // +0.02 absolute passes, +4% relative fails
    const d = decideGate({ f1: 0.52 }, t, champ);
    expect(d.checks.map((c) => c.passed)).toEqual([true, false]);
    expect(d.blessed).toBe(false);
  });

  it('reads the older spelling (absoluteChange / relativeChange, signed by direction) as the same limits', () => {
    expect(changeLimits({ metric: 'accuracy', absoluteChange: -0.02, relativeChange: 0.05 })).toEqual({
      maxDrop: 0.02,
      maxRelativeDrop: -0.05,
    });
    expect(changeLimits({ metric: 'log_loss', absoluteChange: 0.01 })).toEqual({ maxDrop: 0.01 });
    expect(changeLimits({ metric: 'custom', higherIsBetter: false, relativeChange: -0.1 })).toEqual({ maxRelativeDrop: -0.1 });
    // Same decisions both ways, across directions, signs and both sides of each limit.
    const champion = { version: 2, metrics: { accuracy: 0.9, rmse: 10 } };
    const pairs: [MetricThreshold, MetricThreshold][] = [
      [
        { metric: 'accuracy', absoluteChange: -0.01 },
        { metric: 'accuracy', maxDrop: 0.01 },
      ],
      [
        { metric: 'accuracy', absoluteChange: 0.01 },
        { metric: 'accuracy', maxDrop: -0.01 },
      ],
      [
        { metric: 'accuracy', relativeChange: -0.02 },
        { metric: 'accuracy', maxRelativeDrop: 0.02 },
      ],
      [
        { metric: 'rmse', absoluteChange: 0.5 },
        { metric: 'rmse', maxDrop: 0.5 },
      ],
      [
        { metric: 'rmse', relativeChange: -0.05 },
        { metric: 'rmse', maxRelativeDrop: -0.05 },
      ],
    ];
    for (const [old, now] of pairs)
      for (const candidate of [
        { accuracy: 0.88, rmse: 9 },
        { accuracy: 0.895, rmse: 10.4 },
        { accuracy: 0.92, rmse: 11 },
      ]) {
        const a = decideGate(candidate, [old], champion);
        expect(a, JSON.stringify([old, candidate])).toEqual(decideGate(candidate, [now], champion));
      }
  });

  it('an explicit direction overrides the name', () => {
    const d = decideGate({ custom_cost: 5 }, [{ metric: 'custom_cost', higherIsBetter: false, maxDrop: 0 }], {
      metrics: { custom_cost: 6 },
    });
    expect(d.blessed).toBe(true);
  });

  it('a missing metric fails, naming where it is missing', () => {
    const d = decideGate({ accuracy: 0.9 }, [{ metric: 'roc_auc', lower: 0.5 }], null);
    expect(d.blessed).toBe(false);
    expect(d.summary).toContain("roc_auc: metric not found in the candidate's evaluation");
    const e = decideGate({ roc_auc: 0.9 }, [{ metric: 'roc_auc', maxDrop: 0 }], { version: 2, metrics: { accuracy: 0.8 } });
    expect(e.blessed).toBe(false);
    expect(e.summary).toContain("roc_auc: metric not found in champion v2's metrics");
  });

  it('NaN metrics never pass', () => {
    expect(decideGate({ accuracy: NaN }, [{ metric: 'accuracy', lower: 0 }], null).blessed).toBe(false);
  });
});
