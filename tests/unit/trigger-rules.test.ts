import { describe, expect, it } from 'vitest';
import { evaluateTriggerRule, TRIGGER_RULES, type RuleVerdict, type TaskState, type TriggerRule } from '../../core/trigger-rules';

const S = 'success',
  F = 'failed',
  UF = 'upstream_failed',
  SK = 'skipped',
  R = 'running',
  P = 'pending';

// [rule, upstream states, expected verdict] — Airflow's trigger_rule_dep semantics.
const table: [TriggerRule, TaskState[], RuleVerdict][] = [
  ['all_success', [S, S], 'run'],
  ['all_success', [S, R], 'wait'],
  ['all_success', [S, F], 'upstream_failed'],
  ['all_success', [S, UF], 'upstream_failed'],
  ['all_success', [S, SK], 'skipped'],
  ['all_success', [F, SK], 'upstream_failed'],
  ['all_success', [R, F], 'upstream_failed'],
  ['all_failed', [F, UF], 'run'],
  ['all_failed', [F, R], 'wait'],
  ['all_failed', [F, S], 'skipped'],
  ['all_failed', [F, SK], 'skipped'],
  ['all_done', [S, F, UF, SK], 'run'],
  ['all_done', [S, R], 'wait'],
  ['all_done', [P, F], 'wait'],
  ['all_skipped', [SK, SK], 'run'],
  ['all_skipped', [SK, R], 'wait'],
  ['all_skipped', [SK, S], 'skipped'],
  ['all_skipped', [SK, F], 'skipped'],
  ['all_skipped', [UF, R], 'skipped'],
  ['one_success', [S, R], 'run'],
  ['one_success', [F, R], 'wait'],
  ['one_success', [SK, SK], 'skipped'],
  ['one_success', [F, SK], 'upstream_failed'],
  ['one_success', [UF, UF], 'upstream_failed'],
  ['one_failed', [F, R], 'run'],
  ['one_failed', [UF, R], 'run'],
  ['one_failed', [S, R], 'wait'],
  ['one_failed', [S, SK], 'skipped'],
  ['one_done', [S, R], 'run'],
  ['one_done', [F, R], 'run'],
  ['one_done', [UF, R], 'wait'],
  ['one_done', [UF, SK], 'skipped'],
  ['none_failed', [S, SK], 'run'],
  ['none_failed', [SK, SK], 'run'],
  ['none_failed', [S, R], 'wait'],
  ['none_failed', [S, F], 'upstream_failed'],
  ['none_failed', [UF, R], 'upstream_failed'],
  ['none_failed_min_one_success', [S, SK], 'run'],
  ['none_failed_min_one_success', [SK, SK], 'skipped'],
  ['none_failed_min_one_success', [SK, R], 'wait'],
  ['none_failed_min_one_success', [SK, F], 'upstream_failed'],
  ['none_skipped', [S, F, UF], 'run'],
  ['none_skipped', [S, R], 'wait'],
  ['none_skipped', [S, SK], 'skipped'],
  ['always', [P, R], 'run'],
  ['always', [F, SK], 'run'],
];

describe('trigger rules (Airflow truth table)', () => {
  it.each(table)('%s with %j → %s', (rule, states, expected) => {
    expect(evaluateTriggerRule(rule, states)).toBe(expected);
  });

  it('covers every rule', () => {
    expect(new Set(table.map(([r]) => r))).toEqual(new Set(TRIGGER_RULES));
  });

  it('runs a root task whatever its rule', () => {
    for (const rule of TRIGGER_RULES) expect(evaluateTriggerRule(rule, [])).toBe('run');
  });

  it('never settles while every upstream is still pending, except always', () => {
    for (const rule of TRIGGER_RULES) {
      expect(evaluateTriggerRule(rule, [P, P])).toBe(rule === 'always' ? 'run' : 'wait');
    }
  });
});
