/**
 * The model-name param of the ML DAGs (modelName / model): core/model-name's rule, so a name the
 * registry or the controller would refuse fails at trigger time. The pattern stays a regex so
 * `tideflow dags` shows it in the params' JSON schema.
 */
import { z } from 'zod';
import { MODEL_NAME_PATTERN, MODEL_NAME_RULE } from '../../core/model-name';

const message = `invalid model name: ${MODEL_NAME_RULE}`;

export const modelNameParam = z
  .string()
  .regex(MODEL_NAME_PATTERN, message)
  .refine((name) => !name.includes('..'), message);
