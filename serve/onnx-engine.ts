/**
 * The prediction server's ONNX engine (TIDEFLOW_SERVE_ENGINE=onnx): each loaded version is
 * exported to ONNX (ml/onnx) and scored by onnxruntime-node, with the same answers as the native
 * engine. A version that cannot be exported exactly is this deployment's problem: 500 with why.
 */
import type { OnnxScorer } from '../ml/onnx';
import { OnnxExportError } from '../ml/onnx/working';
import type { LoadedModel } from '../ml/predict';
import { codeVersion } from '../storage/artifacts/manifest';
import { HttpError } from './errors';

export type { OnnxScorer };

export async function loadOnnxEngine(model: LoadedModel, name: string, version: number): Promise<OnnxScorer> {
  // Loaded on first use: onnxruntime-node's native binding costs the cold start of every server that scores natively (the default).
  const { createOnnxScorer } = await import('../ml/onnx');
  try {
    return await createOnnxScorer(model, { modelVersion: version, tideflowVersion: codeVersion().packageVersion });
  } catch (err) {
    if (err instanceof OnnxExportError)
      throw new HttpError(500, `model '${name}' version ${version} cannot be served by the onnx engine: ${err.message}`);
    throw err;
  }
}
