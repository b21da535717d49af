/** ONNX export of Tideflow models (issue 13): one graph with the feature pipeline and the estimator. */
export { exportLoadedModel, exportOnnx, ONNX_IR_VERSION, ONNX_ML_OPSET, ONNX_OPSET, OUTPUT_NAMES } from './export';
export { MISSING_VALUES_CONVENTION, type OnnxExportMeta } from './metadata';
export { MISSING_STRING, OnnxExportError } from './working';
export { createOnnxScorer, type OnnxScorer } from './engine';
