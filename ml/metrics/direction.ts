/**
 * Which way a metric improves, from its name: the one rule the gate, the report, model selection
 * (activities/ml/lib/evaluation METRICS, cv) and performance drift (core/drift/performance) share.
 * Pure (workflow code uses it through the gate and the drift_monitor params).
 */

// Metrics where smaller is better, by normalized name (lower case, no separators).
const LOWER_IS_BETTER = new Set([
  'logloss',
  'crossentropy',
  'rmse',
  'mse',
  'mae',
  'mape',
  'medae',
  'brier',
  'brierscore',
  'hingeloss',
  'error',
  'errorrate',
  'loss',
]);

/**
 * Whether a larger value of the metric is better. log_loss / logLoss / cvLogLoss, rmse, mae and
 * other losses and errors are lower-is-better; anything else (accuracy, f1, roc_auc, r2, …) higher.
 */
export function higherIsBetter(metric: string): boolean {
  let n = metric.toLowerCase().replace(/[^a-z0-9]/g, '');
  // sklearn's scorers negate losses (neg_log_loss) so that larger is always better.
  if (n.startsWith('neg')) return true;
  // Prefixes naming where the metric was measured do not change its direction.
  n = n.replace(/^(cv|test|val|valid|validation|train|holdout|mean)(?=[a-z])/, '');
  if (LOWER_IS_BETTER.has(n)) return false;
  return !(n.endsWith('loss') || n.endsWith('error'));
}
