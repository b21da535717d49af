/**
 * Serialised gradient-boosting models (`tideflow.gbt`), documented in docs/ml-models.md.
 *
 * Version 1 (binary log loss, squared error), read only:
 *   { "format": "tideflow.gbt", "version": 1, "loss": "log_loss" | "squared_error",
 *     "numFeatures": d, "baseline": number, "trees": Tree1[] }
 * Version 2 (K-class log loss, K ≥ 3), read only:
 *   { ..., "version": 2, "loss": "log_loss", "numFeatures": d, "numClasses": K,
 *     "baseline": number[K], "trees": Tree1[iterations][K] }
 * Tree1 = { "feature": int[], "threshold": number[], "left": int[], "right": int[], "value": number[] }:
 * node 0 is the root; feature −1 marks a leaf whose value is added to the raw score; a row goes
 * left when x[feature] ≤ threshold (NaN goes right).
 *
 * Versions 3 (the shape of 1) and 4 (the shape of 2), written today, add native categorical
 * features and learned missing-value sides, which a version-1/2 reader would silently misread:
 *   model += "knownCategories": (bitset | null)[d]  — per categorical feature, its training codes
 *   Tree  += "missingLeft": (0|1)[], "gain": number[], "leftCategories": (bitset | null)[]
 * bitset = 8 unsigned 32-bit words; code c is in it when bit (c mod 32) of word ⌊c/32⌋ is set.
 * A row goes left at a numeric split when x ≤ threshold, or x is NaN and missingLeft = 1; at a
 * categorical split (leftCategories non-null) when its code is in leftCategories; a NaN or a code
 * outside knownCategories follows missingLeft. gain is the split's loss reduction (0 at leaves).
 *
 * Readers accept all four; versions 1 and 2 are upgraded in memory (missingLeft 0 everywhere, no
 * categorical splits, gain 0 = unknown), so every model in memory is version 3 or 4.
 */
import { z } from 'zod';
import { InputError } from '../../core/errors';

const bitsetSchema = z.array(z.number().int().min(0).max(0xffffffff)).length(8);

const tree1Schema = z.object({
  feature: z.array(z.number().int()),
  threshold: z.array(z.number()),
  left: z.array(z.number().int()),
  right: z.array(z.number().int()),
  value: z.array(z.number()),
});

const treeSchema = tree1Schema.extend({
  missingLeft: z.array(z.union([z.literal(0), z.literal(1)])),
  gain: z.array(z.number()),
  leftCategories: z.array(bitsetSchema.nullable()),
});

const v1Schema = z.object({
  format: z.literal('tideflow.gbt'),
  version: z.literal(1),
  loss: z.enum(['log_loss', 'squared_error']),
  numFeatures: z.number().int().min(1),
  baseline: z.number(),
  trees: z.array(tree1Schema),
});

const v2Schema = z.object({
  format: z.literal('tideflow.gbt'),
  version: z.literal(2),
  loss: z.literal('log_loss'),
  numFeatures: z.number().int().min(1),
  numClasses: z.number().int().min(3),
  baseline: z.array(z.number()),
  trees: z.array(z.array(tree1Schema)),
});

const v3Schema = v1Schema.extend({
  version: z.literal(3),
  knownCategories: z.array(bitsetSchema.nullable()),
  trees: z.array(treeSchema),
});

const v4Schema = v2Schema.extend({
  version: z.literal(4),
  knownCategories: z.array(bitsetSchema.nullable()),
  trees: z.array(z.array(treeSchema)),
});

/** One tree: node 0 is the root; feature −1 marks a leaf. */
export type GbtTree = z.infer<typeof treeSchema>;
type Tree1 = z.infer<typeof tree1Schema>;
/** Binary log-loss or squared-error model: one tree per iteration, one raw score. */
export type GbtModel = z.infer<typeof v3Schema>;
/** K-class log-loss model (K ≥ 3): baseline[K] raw scores, trees[iteration][class], softmax. */
export type GbtMulticlassModel = z.infer<typeof v4Schema>;
export type AnyGbtModel = GbtModel | GbtMulticlassModel;

export const isMulticlassGbt = (m: AnyGbtModel): m is GbtMulticlassModel => m.version === 4;

export const gbtToJson = (m: AnyGbtModel): string => JSON.stringify(m);

function upgradeTree(t: Tree1): GbtTree {
  const n = t.feature.length;
  return {
    ...t,
    missingLeft: new Array<0 | 1>(n).fill(0),
    gain: new Array<number>(n).fill(0),
    leftCategories: new Array<null>(n).fill(null),
  };
}

function checkTree(t: GbtTree, where: string, m: { numFeatures: number; knownCategories: (number[] | null)[] }): void {
  const len = t.feature.length;
  if (len === 0) throw new InputError(`${where} has no nodes`);
  if ([t.threshold, t.left, t.right, t.value, t.missingLeft, t.gain, t.leftCategories].some((a) => a.length !== len))
    throw new InputError(`${where} has arrays of different lengths`);
  t.feature.forEach((f, k) => {
    if (f >= m.numFeatures) throw new InputError(`${where} node ${k} splits on feature ${f}, but the model has ${m.numFeatures}`);
    if (
      f >= 0 &&
      !((t.left[k] as number) > k && (t.left[k] as number) < len && (t.right[k] as number) > k && (t.right[k] as number) < len)
    ) {
      throw new InputError(`${where} node ${k} has children outside the tree`);
    }
    if (f >= 0 && t.leftCategories[k] && !m.knownCategories[f])
      throw new InputError(`${where} node ${k} splits feature ${f} by categories, but the model does not list it as categorical`);
  });
}

function describeIssues(err: z.ZodError): string {
  return err.issues
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .slice(0, 3)
    .join('; ');
}

function parse<T>(schema: z.ZodType<T>, doc: unknown, version: number): T {
  const p = schema.safeParse(doc);
  if (!p.success) throw new InputError(`malformed tideflow.gbt version-${version} model: ${describeIssues(p.error)}`);
  return p.data;
}

function checkKnown(known: (number[] | null)[], numFeatures: number): void {
  if (known.length !== numFeatures) throw new InputError(`knownCategories has ${known.length} entries for ${numFeatures} features`);
}

/** A parsed `tideflow.gbt` document of any version (1 and 2 upgraded to 3 and 4); refuses other formats and versions by name. */
export function gbtModelFromJson(doc: unknown): AnyGbtModel {
  const head = (typeof doc === 'object' && doc !== null ? doc : {}) as { format?: unknown; version?: unknown };
  if (head.format !== 'tideflow.gbt') throw new InputError(`not a tideflow.gbt model (format ${String(head.format)})`);
  const version = head.version;
  if (version !== 1 && version !== 2 && version !== 3 && version !== 4)
    throw new InputError(`tideflow.gbt version ${String(version)} is not supported (this reader knows versions 1 to 4)`);
  if (version === 1 || version === 3) {
    const m: GbtModel =
      version === 3
        ? parse(v3Schema, doc, 3)
        : (() => {
            const old = parse(v1Schema, doc, 1);
            return { ...old, version: 3, knownCategories: new Array<null>(old.numFeatures).fill(null), trees: old.trees.map(upgradeTree) };
          })();
    checkKnown(m.knownCategories, m.numFeatures);
    m.trees.forEach((t, k) => checkTree(t, `tree ${k}`, m));
    return m;
  }
  const m: GbtMulticlassModel =
    version === 4
      ? parse(v4Schema, doc, 4)
      : (() => {
          const old = parse(v2Schema, doc, 2);
          return {
            ...old,
            version: 4,
            knownCategories: new Array<null>(old.numFeatures).fill(null),
            trees: old.trees.map((it) => it.map(upgradeTree)),
          };
        })();
  checkKnown(m.knownCategories, m.numFeatures);
  if (m.baseline.length !== m.numClasses)
    throw new InputError(`tideflow.gbt version-${version} model has ${m.baseline.length} baselines for ${m.numClasses} classes`);
  m.trees.forEach((it, i) => {
    if (it.length !== m.numClasses) throw new InputError(`iteration ${i} has ${it.length} trees for ${m.numClasses} classes`);
    it.forEach((t, k) => checkTree(t, `iteration ${i} tree ${k}`, m));
  });
  return m;
}

/** A binary or regression model (version 1 or 3) from its JSON text; multiclass models need `gbtModelFromJson`. */
export function gbtFromJson(text: string): GbtModel {
  const doc = JSON.parse(text) as { format?: unknown; version?: unknown };
  if (doc.format !== 'tideflow.gbt' || (doc.version !== 1 && doc.version !== 3)) {
    const multi = doc.format === 'tideflow.gbt' && (doc.version === 2 || doc.version === 4);
    const hint = multi ? `; multiclass (version ${String(doc.version)}) models are read by gbtModelFromJson` : '';
    throw new InputError(
      `not a binary/regression tideflow.gbt model (format ${String(doc.format)}, version ${String(doc.version)})${hint}`,
    );
  }
  return gbtModelFromJson(doc) as GbtModel;
}
