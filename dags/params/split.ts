/**
 * Split and validation params of ml_retrain, checked at trigger time:
 *   split   { strategy: 'stratified' | 'random' | 'time', testFraction, timeColumn, cutoff }
 *           cutoff (time split only): test = rows at or after it, train = rows before it; an ISO
 *           date or instant ('2001-04-01' is midnight UTC) or relative to the run's data interval
 *           ('dataIntervalEnd - 30 days', 'dataIntervalStart'); without it the latest testFraction
 *           of the rows are test.
 *   folds   k ≥ 2: k-fold cross-validation of each trial; 0: one holdout split of the train rows,
 *           `validationFraction` of them (stratified for classification) scoring each trial.
 *   scoreTopK  the k best trials are each fitted on the whole train split and scored on the test
 *           set (evaluate's `leaderboard`); the best one is the candidate, as with 1.
 */
import { z } from 'zod';
import { throwsAsIssue } from '../../core/zod-refine';
import { parseRelativeInstant } from '../../ml/frame/relative-time';

const instantText = z.string().superRefine(throwsAsIssue(parseRelativeInstant));

export const splitParam = z
  .object({
    strategy: z.enum(['stratified', 'random', 'time']).default('stratified'),
    testFraction: z.number().gt(0).lt(1).default(0.2),
    timeColumn: z.string().min(1).optional(),
    cutoff: instantText.optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.strategy === 'time' && s.timeColumn === undefined)
      ctx.addIssue({ code: 'custom', message: "strategy 'time' needs timeColumn", path: ['timeColumn'] });
    if (s.cutoff !== undefined && s.strategy !== 'time')
      ctx.addIssue({ code: 'custom', message: `cutoff needs strategy 'time' (got '${s.strategy}')`, path: ['cutoff'] });
  });

export const foldsParam = z
  .number()
  .int()
  .min(0)
  .max(20)
  .refine((k) => k !== 1, 'folds is 0 (one holdout validation split) or 2..20 (k-fold cross-validation)');
/** With folds: 0, the share of the train rows held out to score each trial. */
export const validationFractionParam = z.number().gt(0).lt(1);
/** Fit the k best trials on the train split and score each on the test set (evaluate's leaderboard). */
export const scoreTopKParam = z.number().int().min(1).max(20);

/** The three with their defaults (a template may set others). */
export const validationParams = {
  folds: foldsParam.default(3),
  validationFraction: validationFractionParam.default(0.2),
  scoreTopK: scoreTopKParam.default(1),
};
