/** Everything checkable from ml_retrain's params is checked at trigger time (issue 14.12). */
import { describe, expect, it } from 'vitest';
import { dags } from '../../dags';

const mlRetrain = dags.find((d) => d.id === 'ml_retrain');
const problems = (params: unknown): string[] => {
  const r = mlRetrain!.params.safeParse(params);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('ml_retrain params, checked before any task runs', () => {
  it('refuses a reserved champion alias (latest, v<number>)', () => {
    expect(problems({ championAlias: 'latest' })).toEqual([
      `championAlias: alias "latest" is reserved ('latest' and 'v<number>' refer to versions)`,
    ]);
    expect(problems({ championAlias: 'v12' })[0]).toMatch(/^championAlias: alias "v12" is reserved/);
    expect(problems({ championAlias: 'challenger' })).toEqual([]);
  });

  it('refuses a threshold on a metric the evaluation does not produce, naming the known ones', () => {
    expect(problems({ thresholds: [{ metric: 'acuracy', lower: 0.5 }] })[0]).toMatch(
      /^thresholds\.0\.metric: unknown metric "acuracy": the gate compares the evaluation's accuracy, .*roc_auc/,
    );
    expect(
      problems({
        thresholds: [
          { metric: 'roc_auc', lower: 0.5 },
          { metric: 'log_loss', absoluteChange: 0.01 },
        ],
      }),
    ).toEqual([]);
  });

  it('change thresholds are maxDrop / maxRelativeDrop; the older spelling is still read, but not both at once', () => {
    expect(problems({ thresholds: [{ metric: 'accuracy', maxDrop: 0.02, maxRelativeDrop: 0.05 }] })).toEqual([]);
    expect(problems({ thresholds: [{ metric: 'accuracy', absoluteChange: -0.02, relativeChange: 0.01 }] })).toEqual([]);
    expect(problems({ thresholds: [{ metric: 'accuracy', maxDrop: 0.02, absoluteChange: -0.02 }] })).toEqual([
      'thresholds.0: give maxDrop / maxRelativeDrop, not also their older spelling absoluteChange / relativeChange',
    ]);
    expect(problems({ thresholds: [{ metric: 'accuracy' }] })).toEqual([
      'thresholds.0: a threshold needs lower, upper, maxDrop or maxRelativeDrop',
    ]);
  });
});
