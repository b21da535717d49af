/**
 * The `classWeight` param of the ML DAGs: scikit-learn's `class_weight`, applied to every trial's
 * fit (each cross-validation fold's and train_best's) as per-row sample weights
 * (ml/estimators/class-weight.ts). 'balanced' weighs class c by n_samples / (n_classes × count_c)
 * of the rows being fitted (a fold's training rows in CV, as sklearn recomputes it per fit); a
 * map gives the named classes their weight and every other class 1.
 *
 * As in sklearn's `cross_val_score` (no sample_weight routed to the scorer), the weights change
 * the fits only: validation and test metrics count every row once.
 */
import { z } from 'zod';

export const classWeightParam = z
  .union([
    z.literal('balanced'),
    z
      .record(z.string().min(1), z.number().finite().min(0, 'a class weight must be ≥ 0'))
      .refine((m) => Object.keys(m).length > 0, 'a classWeight map needs at least one class'),
  ])
  .describe("Classification: 'balanced' or {class label: weight} (sklearn's class_weight); weights the fits, not the metrics");
