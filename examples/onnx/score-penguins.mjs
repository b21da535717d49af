// Score one penguin with an exported model: node examples/onnx/score-penguins.mjs penguins.onnx
import * as ort from 'onnxruntime-node';

const s = await ort.InferenceSession.create(process.argv[2] ?? 'penguins.onnx');
const num = (v) => new ort.Tensor('float64', Float64Array.of(v ?? NaN), [1, 1]); // NaN = missing
const str = (v) => new ort.Tensor('string', [v ?? ''], [1, 1]); // '' = missing
const out = await s.run({
  beak_length_mm: num(39.1),
  beak_depth_mm: num(18.7),
  flipper_length_mm: num(181),
  body_mass_g: num(3750),
  island: str('Torgersen'),
  sex: str(null),
});
// probabilities: one per class, in the order of the model's tideflow.class_labels metadata.
console.log(JSON.stringify({ label: out.label.data[0], probabilities: Array.from(out.probabilities.data) }));
await s.release();
