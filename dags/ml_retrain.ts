/**
 * The reference ML retraining DAG, on Palmer penguins (`vega-datasets` npm package) by default:
 * the whole pipeline comes from the retraining template (./templates/retrain.ts, where each step
 * is described); this file only says what data, features, search and gate to start from.
 * Every option is a param default and can be set per run.
 */
import type { DataSchemaInput } from '../ml/validation/schema';
import type { FeaturePipelineSpecInput } from '../ml/features/spec';
import { defineRetrainDag } from './templates/retrain';

const NUMERIC = ['beak_length_mm', 'beak_depth_mm', 'flipper_length_mm', 'body_mass_g'];
const CATEGORICAL = ['island', 'sex'];

/** The declared schema of the penguins data (the default `schema` param). */
export const PENGUINS_SCHEMA: DataSchemaInput = {
  columns: {
    species: { type: 'string', nullable: false, categories: ['Adelie', 'Chinstrap', 'Gentoo'] },
    island: { type: 'string', nullable: false, categories: ['Biscoe', 'Dream', 'Torgersen'] },
    beak_length_mm: { type: 'number', min: 25, max: 70, maxMissingFraction: 0.05 },
    beak_depth_mm: { type: 'number', min: 10, max: 25, maxMissingFraction: 0.05 },
    flipper_length_mm: { type: 'number', min: 150, max: 250, maxMissingFraction: 0.05 },
    body_mass_g: { type: 'number', min: 2000, max: 7000, maxMissingFraction: 0.05 },
    sex: { type: 'string', categories: ['MALE', 'FEMALE'], maxMissingFraction: 0.1 },
  },
  minRows: 100,
  newColumns: 'warning',
};

/** The default feature pipeline (the `features` param); the serving tests train their models with it too. */
export const PENGUINS_FEATURES: FeaturePipelineSpecInput = {
  features: [...NUMERIC, ...CATEGORICAL],
  steps: [
    { op: 'impute', columns: NUMERIC, strategy: 'median' },
    { op: 'standardize', columns: NUMERIC },
    { op: 'impute', columns: CATEGORICAL, strategy: 'most_frequent' },
    { op: 'onehot', columns: CATEGORICAL, handleUnknown: 'ignore' },
  ],
};

const options = {
  id: 'ml_retrain',
  description: 'Retrain, evaluate against the champion, gate, register and report a model (penguin species by default).',
  tags: ['ml', 'example'],
  source: 'npm:vega-datasets/data/penguins.json',
  target: 'species',
  modelName: 'penguins',
  schema: PENGUINS_SCHEMA,
  features: PENGUINS_FEATURES,
  search: {
    strategy: 'grid',
    space: [
      { kind: 'logistic_regression', params: { C: [0.1, 1, 10] } },
      { kind: 'gbt', params: { learningRate: [0.1], maxIter: [50], minSamplesLeaf: [10] } },
    ],
  },
  thresholds: [
    { metric: 'accuracy', lower: 0.9 },
    { metric: 'accuracy', maxDrop: 0.02 },
  ],
} as const satisfies Parameters<typeof defineRetrainDag>[0];

const mlRetrain = defineRetrainDag(options);
export const mlRetrainParams = mlRetrain.params;
export default mlRetrain;
