/**
 * The ONNX scoring engine (`engine: 'onnx'` in the prediction server and batch_predict): the
 * model exported once to ONNX and run by onnxruntime-node, answering with the same `Scores` as
 * `scoreFrame`. Bad input is refused the same way too: a row the graph marks as refused (NaN
 * output, empty label) makes the batch go through the native pipeline once, whose error names the column and
 * the first such row; so a client sees the same message from either engine.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Frame, FrameColumn } from '../frame/frame';
import { scoreFrame, type LoadedModel, type Scores } from '../predict';
import { exportLoadedModel } from './export';
import { MISSING_STRING, OnnxExportError } from './working';

export interface OnnxScorer {
  /** The exported file's size. */
  bytes: number;
  score(frame: Frame): Promise<Scores>;
  close(): Promise<void>;
}

/**
 * onnxruntime-node takes a tensor's data from a plain ArrayBuffer: a column over a SharedArrayBuffer
 * (datasets read from Arrow) or a view into a larger buffer is copied first.
 */
const ownBuffer = (v: Float64Array): Float64Array =>
  v.buffer instanceof ArrayBuffer && v.byteOffset === 0 && v.buffer.byteLength === v.byteLength ? v : Float64Array.from(v);

function feeds(model: LoadedModel, frame: Frame): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const c of model.pipeline.inputs) {
    const col = frame.columns.find((x) => x.name === c.name) as FrameColumn | undefined;
    if (!col) {
      // The native pipeline names what is missing, as it would when scoring.
      scoreFrame(model, frame);
      throw new OnnxExportError(`input column '${c.name}' is missing`);
    }
    out[c.name] =
      col.type === 'string'
        ? new Tensor(
            'string',
            // A plain string[] (a column read from Arrow may be another array-like).
            Array.from(col.values, (v) => (v === null || v === undefined ? MISSING_STRING : String(v))),
            [frame.rows, 1],
          )
        : new Tensor('float64', ownBuffer(col.values), [frame.rows, 1]);
  }
  return out;
}

/** Export `model` and open an onnxruntime session on it (intra-op threads: 1, the server's cores are shared). */
export async function createOnnxScorer(model: LoadedModel, meta: { modelVersion?: number; tideflowVersion: string }): Promise<OnnxScorer> {
  const bytes = exportLoadedModel(model, meta);
  const session = await InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const task = model.artifact.task;
  const classes = model.artifact.classes;
  const refuse = (frame: Frame, row: number): never => {
    // Tideflow's own message (a missing value, an unknown category, …, naming the column and the first row).
    scoreFrame(model, frame);
    throw new OnnxExportError(`row ${row} cannot be scored`);
  };
  return {
    bytes: bytes.length,
    async score(frame) {
      const out = await session.run(feeds(model, frame));
      const n = frame.rows;
      if (task === 'regression') {
        const v = out.variable?.data as Float32Array;
        const values = Float64Array.from(v);
        const bad = values.findIndex((x) => Number.isNaN(x));
        if (bad >= 0) refuse(frame, bad);
        return { rows: n, values };
      }
      const labels = out.label?.data as string[];
      const bad = labels.indexOf('');
      if (bad >= 0 && !classes.includes('')) refuse(frame, bad);
      const index = new Map(classes.map((c, i) => [c, i]));
      const values = Float64Array.from(labels, (l) => index.get(l) ?? NaN);
      return { rows: n, labels: [...labels], proba: Float64Array.from(out.probabilities?.data as Float32Array), values };
    },
    close: () => session.release(),
  };
}
