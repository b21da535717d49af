/**
 * Serialised gradient-boosting models (`tideflow.gbt`), documented in docs/ml-models.md.
 *
 * Version 1 (binary log loss, squared error) — unchanged since it was introduced:
 *   { "format": "tideflow.gbt", "version": 1, "loss": "log_loss" | "squared_error",
 *     "numFeatures": d, "baseline": number, "trees": Tree[] }
 * Version 2 (K-class log loss, K ≥ 3): one raw score per class, so the baseline becomes an array
 * and each iteration holds K trees — a different shape, hence a new version:
 *   { "format": "tideflow.gbt", "version": 2, "loss": "log_loss", "numFeatures": d,
 *     "numClasses": K, "baseline": number[K], "trees": Tree[iterations][K] }
 * Tree = { "feature": int[], "threshold": number[], "left": int[], "right": int[], "value": number[] }:
 * node 0 is the root; feature −1 marks a leaf whose value is added to the raw score; a row goes
 * left when x[feature] ≤ threshold (NaN goes right).
 *
 * Binary and regression models are still written as version 1, so existing readers keep working.
 */
import { z } from 'zod';

const treeSchema = z.object({
  feature: z.array(z.number().int()),
  threshold: z.array(z.number()),
  left: z.array(z.number().int()),
  right: z.array(z.number().int()),
  value: z.array(z.number()),
});

const v1Schema = z.object({
  format: z.literal('tideflow.gbt'),
  version: z.literal(1),
  loss: z.enum(['log_loss', 'squared_error']),
  numFeatures: z.number().int().min(1),
  baseline: z.number(),
  trees: z.array(treeSchema),
});

const v2Schema = z.object({
  format: z.literal('tideflow.gbt'),
  version: z.literal(2),
  loss: z.literal('log_loss'),
  numFeatures: z.number().int().min(1),
  numClasses: z.number().int().min(3),
  baseline: z.array(z.number()),
  trees: z.array(z.array(treeSchema)),
});

/** One tree: node 0 is the root; feature −1 marks a leaf. */
export type GbtTree = z.infer<typeof treeSchema>;
/** Binary log-loss or squared-error model: one tree per iteration, one raw score. */
export type GbtModel = z.infer<typeof v1Schema>;
/** K-class log-loss model (K ≥ 3): baseline[K] raw scores, trees[iteration][class], softmax. */
export type GbtMulticlassModel = z.infer<typeof v2Schema>;
export type AnyGbtModel = GbtModel | GbtMulticlassModel;

export const gbtToJson = (m: AnyGbtModel): string => JSON.stringify(m);

function checkTree(t: GbtTree, where: string, numFeatures: number): void {
  const len = t.feature.length;
  if (len === 0) throw new RangeError(`${where} has no nodes`);
  if ([t.threshold, t.left, t.right, t.value].some((a) => a.length !== len))
    throw new RangeError(`${where} has arrays of different lengths`);
  t.feature.forEach((f, k) => {
    if (f >= numFeatures) throw new RangeError(`${where} node ${k} splits on feature ${f}, but the model has ${numFeatures}`);
    if (
      f >= 0 &&
      !((t.left[k] as number) > k && (t.left[k] as number) < len && (t.right[k] as number) > k && (t.right[k] as number) < len)
    ) {
      throw new RangeError(`${where} node ${k} has children outside the tree`);
    }
  });
}

function describeIssues(err: z.ZodError): string {
  return err.issues
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .slice(0, 3)
    .join('; ');
}

/** A parsed `tideflow.gbt` document of either version; refuses other formats and versions by name. */
export function gbtModelFromJson(doc: unknown): AnyGbtModel {
  const head = (typeof doc === 'object' && doc !== null ? doc : {}) as { format?: unknown; version?: unknown };
  if (head.format !== 'tideflow.gbt') throw new RangeError(`not a tideflow.gbt model (format ${String(head.format)})`);
  if (head.version !== 1 && head.version !== 2)
    throw new RangeError(`tideflow.gbt version ${String(head.version)} is not supported (this reader knows versions 1 and 2)`);
  if (head.version === 1) {
    const p = v1Schema.safeParse(doc);
    if (!p.success) throw new RangeError(`malformed tideflow.gbt version-1 model: ${describeIssues(p.error)}`);
    const m: GbtModel = p.data;
    m.trees.forEach((t, k) => checkTree(t, `tree ${k}`, m.numFeatures));
    return m;
  }
  const p = v2Schema.safeParse(doc);
  if (!p.success) throw new RangeError(`malformed tideflow.gbt version-2 model: ${describeIssues(p.error)}`);
  const m: GbtMulticlassModel = p.data;
  if (m.baseline.length !== m.numClasses)
    throw new RangeError(`tideflow.gbt version-2 model has ${m.baseline.length} baselines for ${m.numClasses} classes`);
  m.trees.forEach((it, i) => {
    if (it.length !== m.numClasses) throw new RangeError(`iteration ${i} has ${it.length} trees for ${m.numClasses} classes`);
    it.forEach((t, k) => checkTree(t, `iteration ${i} tree ${k}`, m.numFeatures));
  });
  return m;
}

/** A version-1 (binary or regression) model from its JSON text; version-2 models need `gbtModelFromJson`. */
export function gbtFromJson(text: string): GbtModel {
  const doc = JSON.parse(text) as { format?: unknown; version?: unknown };
  if (doc.format !== 'tideflow.gbt' || doc.version !== 1) {
    const hint = doc.format === 'tideflow.gbt' && doc.version === 2 ? '; multiclass (version 2) models are read by gbtModelFromJson' : '';
    throw new RangeError(`not a version-1 tideflow.gbt model (format ${String(doc.format)}, version ${String(doc.version)})${hint}`);
  }
  return gbtModelFromJson(doc) as GbtModel;
}
