/**
 * The prediction server's ONNX engine (TIDEFLOW_SERVE_ENGINE=onnx): each loaded version is
 * exported to ONNX (ml/onnx) and scored by onnxruntime-node, with the same answers as the native
 * engine. A version that cannot be exported exactly is this deployment's problem: 500 with why.
 */
import { createOnnxScorer, OnnxExportError, type OnnxScorer } from '../ml/onnx';
import type { LoadedModel } from '../ml/predict';
import { codeVersion } from '../storage/artifacts/manifest';
import { HttpError } from './errors';

export type { OnnxScorer };

export async function loadOnnxEngine(model: LoadedModel, name: string, version: number): Promise<OnnxScorer> {
  try {
    return await createOnnxScorer(model, { modelVersion: version, tideflowVersion: codeVersion().packageVersion });
  } catch (err) {
    if (err instanceof OnnxExportError)
      throw new HttpError(500, `model '${name}' version ${version} cannot be served by the onnx engine: ${err.message}`);
    throw err;
  }
}
