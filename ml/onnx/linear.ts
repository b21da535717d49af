/**
 * Linear models → ai.onnx.ml LinearClassifier (binary: one weight row, LOGISTIC, which yields
 * [1 − p, p]; multinomial: K rows, SOFTMAX) and LinearRegressor, as sklearn-onnx maps
 * LogisticRegression and Ridge/LinearRegression. LinearClassifier reads the float64 feature matrix,
 * LinearRegressor its float32 cast (onnxruntime has no double kernel for it); the operators' coefficients are float32 attributes by the ONNX spec, so scores agree with Tideflow's
 * float64 ones to about 1e-7 relative (the tests hold probabilities and values to 1e-5).
 */
import type { LogisticModel } from '../linear/logistic';
import type { RidgeModel } from '../linear/ridge';
import { DataType, ML_DOMAIN, attr, type GraphBuilder } from './graph';
import type { EstimatorOutputs } from './tree-ensemble';

export function exportLogistic(g: GraphBuilder, x: string, m: LogisticModel): EstimatorOutputs {
  const [labelIndex, probabilities] = g.op(
    'LinearClassifier',
    [x],
    {
      coefficients: attr.floats(Array.from(m.weights)),
      intercepts: attr.floats(Array.from(m.intercepts)),
      classlabels_ints: attr.ints(Array.from({ length: m.numClasses }, (_, i) => i)),
      post_transform: attr.string(m.numClasses === 2 ? 'LOGISTIC' : 'SOFTMAX'),
      multi_class: attr.int(m.numClasses === 2 ? 0 : 1),
    },
    { domain: ML_DOMAIN, count: 2 },
  );
  return { labelIndex: labelIndex as string, probabilities: probabilities as string };
}

export function exportRidge(g: GraphBuilder, x: string, m: RidgeModel): EstimatorOutputs {
  // onnxruntime implements LinearRegressor for float input only (LinearClassifier also takes double).
  const x32 = g.op1('Cast', [x], { to: attr.int(DataType.FLOAT) });
  const variable = g.op1(
    'LinearRegressor',
    [x32],
    { coefficients: attr.floats(Array.from(m.weights)), intercepts: attr.floats([m.intercept]), targets: attr.int(1) },
    ML_DOMAIN,
  );
  return { variable };
}
