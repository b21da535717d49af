/**
 * What the .onnx file says about itself (ModelProto.metadata_props, readable with
 * `session.modelMeta` in onnxruntime or `model.metadata_props` in Python): the model and version,
 * the training run, the inputs and their types, the feature names, the class labels, and the
 * conventions a caller must know (how to pass a missing value, what marks a refused row).
 */
import type { LoadedModel } from '../predict/model';
import { MISSING_STRING } from './working';

export interface OnnxExportMeta {
  /** The registered version exported (absent for a model document outside the registry). */
  modelVersion?: number;
  /** The Tideflow build that wrote the file (package.json version). */
  tideflowVersion: string;
}

export const MISSING_VALUES_CONVENTION =
  `numeric, boolean (0/1) and timestamp (epoch milliseconds) inputs are float64 [N,1]; a missing value is NaN. ` +
  `String inputs are string [N,1]; a missing value is the empty string ${JSON.stringify(MISSING_STRING)}. ` +
  `Rows Tideflow refuses (a missing value with no impute step, an unknown category under handleUnknown 'error', a value outside log's domain) ` +
  `come out with NaN probabilities or value and an empty label.`;

export function metadataProps(model: LoadedModel, meta: OnnxExportMeta): { key: string; value: string }[] {
  const a = model.artifact;
  const props: Record<string, string> = {
    'tideflow.model_name': a.modelName,
    ...(meta.modelVersion !== undefined && { 'tideflow.model_version': String(meta.modelVersion) }),
    'tideflow.training_run': a.training.workflowId,
    'tideflow.dag_id': a.training.dagId,
    'tideflow.dataset': a.training.dataset,
    'tideflow.task': a.task,
    'tideflow.target': a.target,
    'tideflow.estimator': model.estimator.kind,
    'tideflow.inputs': JSON.stringify(model.pipeline.inputs),
    'tideflow.feature_names': JSON.stringify(model.pipeline.featureNames),
    'tideflow.class_labels': JSON.stringify(a.task === 'regression' ? [] : a.classes),
    'tideflow.missing_values': MISSING_VALUES_CONVENTION,
    'tideflow.version': meta.tideflowVersion,
  };
  return Object.entries(props).map(([key, value]) => ({ key, value }));
}
