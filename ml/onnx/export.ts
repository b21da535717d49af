/**
 * `exportOnnx`: a Tideflow model document → one ONNX model (bytes) that scores raw rows the way
 * `scoreFrame` does. One graph: a named input per original column (float64 [N,1] for numbers,
 * booleans and timestamps; string [N,1] for strings), the fitted feature pipeline
 * (feature-steps.ts), the estimator (tree-ensemble.ts, linear.ts), and plain tensor outputs —
 * `label` (string [N]) and `probabilities` (float [N,K], classes in the model's order) for
 * classification, `variable` (float [N,1]) for regression; never a ZipMap. Anything that cannot
 * be expressed exactly is refused with an OnnxExportError naming the step.
 */
import { onnx } from 'onnx-proto';
import { parseModelDocument, type LoadedModel } from '../predict/model';
import { exportStep } from './feature-steps';
import { DataType, GraphBuilder, ML_DOMAIN, attr } from './graph';
import { exportRidge, exportLogistic } from './linear';
import { metadataProps, MISSING_VALUES_CONVENTION, type OnnxExportMeta } from './metadata';
import { exportGbt, type EstimatorOutputs } from './tree-ensemble';
import { OnnxExportError, SymWorkingSet, type SymColumn } from './working';

/** The standard domain's opset: 17 (Where on strings needs ≥ 16; onnxruntime ≥ 1.12 runs it). */
export const ONNX_OPSET = 17;
/** ai.onnx.ml opset 3: TreeEnsemble* version 3 (float64 `_as_tensor` attributes), the widest support. */
export const ONNX_ML_OPSET = 3;
/** IR version 8 (onnx 1.10+, what onnx-proto's schema writes). */
export const ONNX_IR_VERSION = 8;
export const OUTPUT_NAMES = ['label', 'probabilities', 'variable'] as const;

const N = 'N';

/** The feature matrix float64 [N,d] from the working columns, in featureNames order. */
function featureMatrix(w: SymWorkingSet, featureNames: readonly string[]): { x: string; nonCategorical: number[] } {
  const g = w.g;
  const parts: string[] = [];
  const names: string[] = [];
  const nonCategorical: number[] = [];
  for (const c of w.columns) {
    if (c.kind === 'string') throw new OnnxExportError(`feature '${c.name}' is a string column at the end of the pipeline`);
    if (c.kind === 'encoded') {
      const range = g.int64s(
        c.names.map((_, i) => i),
        [1, c.names.length],
      );
      parts.push(g.op1('Cast', [g.op1('Equal', [c.slot, range])], { to: attr.int(DataType.DOUBLE) }));
      c.names.forEach((n) => {
        nonCategorical.push(names.length);
        names.push(n);
      });
      continue;
    }
    parts.push(c.value);
    if (!c.categorical) nonCategorical.push(names.length);
    names.push(c.name);
  }
  const same = names.length === featureNames.length && names.every((n, i) => n === featureNames[i]);
  if (!same)
    throw new Error(
      `onnx export: the graph makes features [${names.join(', ')}], the pipeline was fitted with [${featureNames.join(', ')}]`,
    );
  const x = parts.length === 1 ? (parts[0] as string) : g.op1('Concat', parts, { axis: attr.int(1) });
  return { x, nonCategorical };
}

/** Rows Tideflow refuses, bool [N,1]: a non-finite final feature (not a category code) or a step's own refusal. */
function invalidRows(w: SymWorkingSet, x: string, nonCategorical: readonly number[], d: number): string | undefined {
  const g = w.g;
  const flags = [...w.invalid];
  if (nonCategorical.length) {
    const cols = nonCategorical.length === d ? x : g.op1('Gather', [x, g.int64s(nonCategorical)], { axis: attr.int(1) });
    // x − x is NaN exactly for NaN and ±Infinity; a row sum is NaN when any is.
    const sum = g.op1('ReduceSum', [g.op1('Sub', [cols, cols]), g.int64s([1])], { keepdims: attr.int(1) });
    flags.push(g.op1('IsNaN', [sum]));
  }
  if (flags.length === 0) return undefined;
  return flags.slice(1).reduce((acc, f) => g.op1('Or', [acc, f]), flags[0] as string);
}

function estimatorOutputs(g: GraphBuilder, model: LoadedModel, x: string, d: number): EstimatorOutputs {
  const est = model.estimator;
  if (est.kind === 'gbt') return exportGbt(g, x, d, est.model, est.task);
  if (est.kind === 'logistic_regression') return exportLogistic(g, x, est.model);
  return exportRidge(g, x, est.model);
}

/** Build the ONNX graph of a loaded model. */
export function exportLoadedModel(model: LoadedModel, meta: OnnxExportMeta): Uint8Array {
  const a = model.artifact;
  const pipeline = model.pipeline;
  const g = new GraphBuilder();
  const inputNames = pipeline.inputs.map((c) => c.name);
  const clash = inputNames.find((n) => (OUTPUT_NAMES as readonly string[]).includes(n));
  if (clash !== undefined)
    throw new OnnxExportError(
      `input column '${clash}' has the name of an output of the ONNX file (${OUTPUT_NAMES.join(', ')}): rename the column`,
    );
  if (model.estimator.kind !== 'gbt' && pipeline.spec.steps.some((s) => s.op === 'categorical'))
    throw new OnnxExportError(
      `a ${model.estimator.kind} model cannot score category codes (a 'categorical' feature step): Tideflow refuses every row, so there is nothing to export`,
    );
  const columns: SymColumn[] = pipeline.inputs.map((c) => {
    const string = c.type === 'string';
    const doc = string
      ? `${c.type} column; missing = ''`
      : `${c.type} column as float64${c.type === 'timestamp' ? ' (epoch milliseconds)' : c.type === 'boolean' ? ' (0/1)' : ''}; missing = NaN`;
    const value = g.input(c.name, { elem: string ? DataType.STRING : DataType.DOUBLE, dims: [N, 1] }, doc);
    return string ? { kind: 'string', name: c.name, value, missingAs: null } : { kind: 'number', name: c.name, value };
  });
  const w = new SymWorkingSet(g, columns);
  pipeline.steps.forEach((step, index) => exportStep(step, index, w));
  const d = pipeline.featureNames.length;
  const { x, nonCategorical } = featureMatrix(w, pipeline.featureNames);
  const invalid = invalidRows(w, x, nonCategorical, d);
  const out = estimatorOutputs(g, model, x, d);

  if (out.variable) {
    const v = invalid ? g.op1('Where', [invalid, g.constant(DataType.FLOAT, [1, 1], [NaN]), out.variable]) : out.variable;
    g.output('variable', v, { elem: DataType.FLOAT, dims: [N, 1] }, `the predicted ${a.target}; NaN for a refused row`);
  } else {
    const k = a.classes.length;
    const labelIdx = out.labelIndex as string;
    let label = g.op1('Gather', [g.strings(a.classes), labelIdx], { axis: attr.int(0) });
    let proba = out.probabilities as string;
    if (invalid) {
      const flat = g.op1('Reshape', [invalid, g.int64s([-1])]);
      label = g.op1('Where', [flat, g.strings([''], [1]), label]);
      proba = g.op1('Where', [invalid, g.constant(DataType.FLOAT, [1, 1], [NaN]), proba]);
    }
    g.output(
      'label',
      label,
      { elem: DataType.STRING, dims: [N] },
      `the predicted ${a.target} (one of the class labels); '' for a refused row`,
    );
    g.output(
      'probabilities',
      proba,
      { elem: DataType.FLOAT, dims: [N, k] },
      `class probabilities in the order ${JSON.stringify(a.classes)}`,
    );
  }

  const proto = onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [
      { domain: '', version: ONNX_OPSET },
      { domain: ML_DOMAIN, version: ONNX_ML_OPSET },
    ],
    producerName: 'tideflow',
    producerVersion: meta.tideflowVersion,
    domain: 'dev.tideflow',
    modelVersion: meta.modelVersion ?? 0,
    docString: `Tideflow model '${a.modelName}' (${a.task}, ${model.estimator.kind}). ${MISSING_VALUES_CONVENTION}`,
    graph: {
      name: a.modelName,
      node: g.nodes,
      initializer: g.initializers,
      input: g.inputs,
      output: g.outputs,
    },
    metadataProps: metadataProps(model, meta),
  });
  return onnx.ModelProto.encode(proto).finish();
}

/** Export a `tideflow.model` document (parsed and checked here; `uri` names it in errors). */
export function exportOnnx(modelDocument: unknown, meta: OnnxExportMeta & { uri?: string }): Uint8Array {
  const model = parseModelDocument(modelDocument, meta.uri ?? 'the model document');
  return exportLoadedModel(model, meta);
}
