/**
 * classWeight through cross-validation and train_best's fit, against scikit-learn 1.2.1
 * (fixtures/gen_class_weight_cv.py): the same folds (Tideflow's stratified folds handed to sklearn
 * as a PredefinedSplit), class_weight weighting each fit — 'balanced' recomputed from each fold's
 * training rows — and the fold scores unweighted, as sklearn's cross_validate scores them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crossValidateTrial } from '../../activities/ml/offload/jobs/tune';
import { fitModel } from '../../activities/ml/offload/jobs/train';
import { estimatorFromJson, predictEstimator, type ClassWeight } from '../../ml/estimators';
import { transformFeatures, type FeaturePipelineSpecInput } from '../../ml/features';
import { frameFromRows } from '../../ml/frame/frame';
import { foldsFor } from '../../ml/model-selection/cross-validation';
import { mlRetrainParams } from '../../dags/ml_retrain';

interface Case {
  perFold: Record<'accuracy' | 'roc_auc' | 'log_loss', number[]>;
  trainProba: number[];
}
interface Fixture {
  sklearn: string;
  gbt: { max_iter: number; learning_rate: number; max_leaf_nodes: number; min_samples_leaf: number; l2_regularization: number };
  x: number[][];
  y: string[];
  folds: number[];
  cases: Record<string, Case>;
}

const fx = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'class-weight-cv-sklearn.json'), 'utf8')) as Fixture;
const frame = frameFromRows(fx.x.map((r, i) => ({ a: r[0], b: r[1], c: r[2], label: fx.y[i] })));
const classes = ['no', 'yes'];
const rows = () => Int32Array.from({ length: frame.rows }, (_, i) => i);
const FEATURES: Record<string, FeaturePipelineSpecInput> = {
  logistic: { features: ['a', 'b', 'c'], steps: [{ op: 'standardize', columns: ['a', 'b', 'c'] }] },
  gbt: { features: ['a', 'b', 'c'], steps: [] },
};
const TRIALS = {
  logistic: { index: 0, kind: 'logistic_regression' as const, hyperparams: { C: 1, tol: 1e-10, maxIter: 10000 } },
  gbt: {
    index: 1,
    kind: 'gbt' as const,
    hyperparams: {
      maxIter: fx.gbt.max_iter,
      learningRate: fx.gbt.learning_rate,
      maxLeafNodes: fx.gbt.max_leaf_nodes,
      minSamplesLeaf: fx.gbt.min_samples_leaf,
      l2: fx.gbt.l2_regularization,
    },
  },
};
const WEIGHTS: Record<string, ClassWeight | undefined> = { balanced: 'balanced', map: { yes: 3 }, none: undefined };
// lbfgs on both sides stops at its own tolerance; gbt matches to float32 rounding.
const TOL = { logistic: 1e-5, gbt: 1e-9 };

const maxDiff = (a: readonly number[], b: readonly number[]) => Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));

describe(`classWeight in cross-validation and training = scikit-learn ${fx.sklearn}`, () => {
  it("the fixture's folds are Tideflow's stratified folds", () => {
    const y = Int32Array.from(fx.y, (l) => classes.indexOf(l));
    expect(Array.from(foldsFor('binary', y, 3, 7))).toEqual(fx.folds);
  });

  /** What the CV and the full fit read alike: the fixture's rows (a fresh index array each time), target and features. */
  const data = (kind: 'logistic' | 'gbt') => ({
    frame,
    rows: rows(),
    target: 'label',
    task: 'binary' as const,
    classes,
    features: FEATURES[kind] as FeaturePipelineSpecInput,
  });

  for (const kind of ['logistic', 'gbt'] as const) {
    for (const [name, classWeight] of Object.entries(WEIGHTS)) {
      const ref = fx.cases[`${kind}/${name}`] as Case;
      it(`${kind}, classWeight ${name}: per-fold scores (unweighted) and the full fit`, async () => {
        const cv = await crossValidateTrial(
          {
            ...data(kind),
            trial: TRIALS[kind],
            folds: 3,
            seed: 7,
            metric: 'roc_auc',
            ...(classWeight !== undefined && { classWeight }),
          },
          () => {},
        );
        expect(maxDiff(cv.perFold, ref.perFold.roc_auc)).toBeLessThan(TOL[kind] * 10);
        expect(maxDiff(cv.allMetrics.log_loss?.perFold ?? [], ref.perFold.log_loss)).toBeLessThan(TOL[kind] * 10);
        expect(cv.allMetrics.accuracy?.perFold).toEqual(ref.perFold.accuracy);

        const fit = await fitModel(
          {
            ...data(kind),
            kind: TRIALS[kind].kind,
            hyperparams: TRIALS[kind].hyperparams,
            seed: 7,
            ...(classWeight !== undefined && { classWeight }),
          },
          () => {},
        );
        const proba = predictEstimator(estimatorFromJson(fit.estimator), transformFeatures(fit.pipeline, frame).matrix).proba;
        const p1 = Array.from({ length: frame.rows }, (_, i) => proba?.[i * 2 + 1] as number);
        expect(maxDiff(p1, ref.trainProba)).toBeLessThan(TOL[kind]);
      });
    }
  }

  it('the weights change the fit: balanced and unweighted CV differ', () => {
    expect(fx.cases['gbt/balanced']?.perFold.roc_auc).not.toEqual(fx.cases['gbt/none']?.perFold.roc_auc);
  });

  it('a classWeight map naming an unknown class fails the fit, naming it', async () => {
    await expect(
      fitModel(
        {
          frame,
          rows: rows(),
          target: 'label',
          task: 'binary',
          classes,
          features: FEATURES['gbt'] as FeaturePipelineSpecInput,
          kind: 'gbt',
          hyperparams: { maxIter: 2 },
          seed: 7,
          classWeight: { maybe: 2 },
        },
        () => {},
      ),
    ).rejects.toThrow(/classWeight names class 'maybe'.*no, yes/);
  });
});

describe('the classWeight param of ml_retrain', () => {
  it("accepts 'balanced' and a map, and is absent by default", () => {
    expect(mlRetrainParams.parse({}).classWeight).toBeUndefined();
    expect(mlRetrainParams.parse({ classWeight: 'balanced' }).classWeight).toBe('balanced');
    expect(mlRetrainParams.parse({ classWeight: { Adelie: 2 } }).classWeight).toEqual({ Adelie: 2 });
  });

  it('refuses a negative weight, an empty map, another word, and a regression task, naming the field', () => {
    for (const bad of [
      { classWeight: { a: -1 } },
      { classWeight: {} },
      { classWeight: 'auto' },
      { task: 'regression', classWeight: 'balanced' },
    ]) {
      const r = mlRetrainParams.safeParse(bad);
      expect(r.success, JSON.stringify(bad)).toBe(false);
      expect(r.error?.issues.some((i) => i.path[0] === 'classWeight')).toBe(true);
    }
    const r = mlRetrainParams.safeParse({ task: 'regression', classWeight: 'balanced' });
    expect(r.error?.issues[0]?.message).toMatch(/classWeight applies to classification/);
  });
});
