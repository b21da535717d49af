/**
 * The task states a retrain run built by defineRetrainDag ends in when its candidate is blessed
 * and registered, no ONNX export asked: ml_retrain's first run, and the customised pipeline's run
 * (tests/fixtures/penguin-sex.ts) with its own steps added. One table, so that a task the template
 * gains or renames is written down once.
 */
export const BLESSED_RUN_STATES: Readonly<Record<string, string>> = {
  ingest: 'success',
  validate: 'success',
  split: 'success',
  candidates: 'success',
  tune: 'success',
  train_best: 'success',
  evaluate: 'success',
  gate: 'success',
  register: 'success',
  export: 'success',
  export_onnx: 'skipped',
  rejected: 'skipped',
  report: 'success',
};
