/**
 * One dispatch point from a step to its implementation: `fitStep` learns a step's parameters
 * from the working columns of the training rows, `applyStep` applies parameters (fitted now or
 * read back from JSON) to any working columns. Fit = fitStep then applyStep, step by step, so a
 * later step is fitted on what the earlier ones produced — exactly what transform reproduces.
 */
import { z } from 'zod';
import type { StepContext, WorkingSet } from './columns';
import type { FeatureStep } from './spec';
import { applyBin, binParamsSchema, fitBin } from './steps/bin';
import { applyCategorical, categoricalParamsSchema, fitCategorical } from './steps/categorical';
import { applyDateParts, datePartsParamsSchema } from './steps/date-parts';
import { applyImpute, fitImpute, imputeParamsSchema } from './steps/impute';
import { applyDrop, applyInteract, dropParamsSchema, interactParamsSchema } from './steps/interact';
import { applyOnehot, fitOnehot, onehotParamsSchema } from './steps/onehot';
import {
  applyLog,
  applyMinmax,
  applyStandardize,
  fitLog,
  fitMinmax,
  fitStandardize,
  logParamsSchema,
  minmaxParamsSchema,
  standardizeParamsSchema,
} from './steps/scale';

export const fittedStepSchema = z.discriminatedUnion('op', [
  imputeParamsSchema,
  standardizeParamsSchema,
  minmaxParamsSchema,
  logParamsSchema,
  binParamsSchema,
  onehotParamsSchema,
  categoricalParamsSchema,
  datePartsParamsSchema,
  interactParamsSchema,
  dropParamsSchema,
]);
/** What a step learned (or, for stateless steps, its settings): everything transform needs. */
export type FittedStep = z.infer<typeof fittedStepSchema>;

export function fitStep(step: FeatureStep, work: WorkingSet, ctx: StepContext): FittedStep {
  switch (step.op) {
    case 'impute':
      return fitImpute(step, work, ctx);
    case 'standardize':
      return fitStandardize(step, work, ctx);
    case 'minmax':
      return fitMinmax(step, work, ctx);
    case 'log':
      return fitLog(step, work, ctx);
    case 'bin':
      return fitBin(step, work, ctx);
    case 'onehot':
      return fitOnehot(step, work, ctx);
    case 'categorical':
      return fitCategorical(step, work, ctx);
    case 'date_parts':
      return { op: 'date_parts', columns: [...step.columns], parts: [...step.parts], timezone: step.timezone, keep: step.keep };
    case 'interact':
      return { op: 'interact', pairs: step.pairs.map(([a, b]): [string, string] => [a, b]) };
    case 'drop':
      return { op: 'drop', columns: [...step.columns] };
  }
}

export function applyStep(p: FittedStep, work: WorkingSet, ctx: StepContext): void {
  switch (p.op) {
    case 'impute':
      return applyImpute(p, work, ctx);
    case 'standardize':
      return applyStandardize(p, work);
    case 'minmax':
      return applyMinmax(p, work);
    case 'log':
      return applyLog(p, work, ctx);
    case 'bin':
      return applyBin(p, work);
    case 'onehot':
      return applyOnehot(p, work, ctx);
    case 'categorical':
      return applyCategorical(p, work, ctx);
    case 'date_parts':
      return applyDateParts(p, work);
    case 'interact':
      return applyInteract(p, work);
    case 'drop':
      return applyDrop(p, work);
  }
}
