/**
 * Gradient boosting → ai.onnx.ml TreeEnsembleClassifier (binary: one score, LOGISTIC; multiclass:
 * one score per class, SOFTMAX) or TreeEnsembleRegressor (SUM, no transform), opset 3, with the
 * thresholds, leaf values and base values as float64 tensors (`*_as_tensor`) so every split
 * compares exactly what Tideflow compares.
 *
 * Native categorical splits: a Tideflow split sends a code left when it is in a bitset, and a
 * NaN or a code the training rows never had to the learned missing side. TreeEnsemble opset 3
 * has no set membership (BRANCH_MEMBER is opset 5), and chains of BRANCH_EQ would need shared
 * subtrees, which opset 3 cannot express without copying them. So each distinct categorical test
 * becomes an extra input column computed upstream by a table lookup over the 256 possible codes:
 * 0 = left, 1 = right, NaN = missing side (and NaN for NaN, non-integer or out-of-range codes,
 * exactly as ml/gbt/predictor.ts). The node is then `extra ≤ 0.5` (BRANCH_LEQ) with
 * missing_value_tracks_true = the split's missingLeft: the same decision for every input.
 */
import { codeInBitset } from '../gbt/predictor';
import { isMulticlassGbt, type AnyGbtModel, type GbtTree } from '../gbt/serialize';
import { DataType, ML_DOMAIN, attr, type GraphBuilder } from './graph';

export interface EstimatorOutputs {
  /** Classification: the class index per row, int64 [N]. */
  labelIndex?: string;
  /** Classification: float [N,K]. */
  probabilities?: string;
  /** Regression: float [N,1]. */
  variable?: string;
}

const CODES = 256;

/** Extra columns for categorical splits: per (feature, table) an index into [X | extra]. */
function categoricalColumns(g: GraphBuilder, x: string, d: number, trees: readonly GbtTree[], known: readonly (number[] | null)[]) {
  const byFeature = new Map<number, { tables: number[][]; keys: Map<string, number> }>();
  const column = new Map<GbtTree, Map<number, number>>();
  const order: { feature: number; local: number }[] = [];
  for (const t of trees) {
    const at = new Map<number, number>();
    t.leftCategories.forEach((bits, k) => {
      if (!bits) return;
      const f = t.feature[k] as number;
      const knownBits = known[f] ?? [];
      const table = Array.from({ length: CODES + 1 }, (_, c) =>
        c < CODES && codeInBitset(bits, c) ? 0 : c < CODES && codeInBitset(knownBits, c) ? 1 : NaN,
      );
      const key = table.join(',');
      let entry = byFeature.get(f);
      if (!entry) byFeature.set(f, (entry = { tables: [], keys: new Map() }));
      let local = entry.keys.get(key);
      if (local === undefined) {
        local = entry.tables.length;
        entry.keys.set(key, local);
        entry.tables.push(table);
        order.push({ feature: f, local });
      }
      at.set(k, local);
    });
    column.set(t, at);
  }
  // Extra column index per (feature, local table): features in first-use order, tables in order.
  const features = [...byFeature.keys()];
  const base = new Map<number, number>();
  let next = d;
  const parts: string[] = [];
  for (const f of features) {
    const entry = byFeature.get(f) as { tables: number[][] };
    base.set(f, next);
    next += entry.tables.length;
    const v = g.op1('Gather', [x, g.int64s([f])], { axis: attr.int(1) });
    const c = (val: number): string => g.doubles([val], [1, 1]);
    const inRange = g.op1('And', [g.op1('GreaterOrEqual', [v, c(0)]), g.op1('Less', [v, c(CODES)])]);
    const integral = g.op1('Equal', [v, g.op1('Floor', [v])]);
    const ok = g.op1('And', [inRange, integral]);
    const idx = g.op1('Cast', [g.op1('Where', [ok, v, c(CODES)])], { to: attr.int(DataType.INT64) });
    const flat = g.op1('Reshape', [idx, g.int64s([-1])]);
    const m = entry.tables.length;
    // Row-major [257, m]: row c holds every table's answer for code c.
    const table = Array.from({ length: (CODES + 1) * m }, (_, i) => (entry.tables[i % m] as number[])[Math.floor(i / m)] as number);
    parts.push(g.op1('Gather', [g.doubles(table, [CODES + 1, m]), flat], { axis: attr.int(0) }));
  }
  const input = parts.length ? g.op1('Concat', [x, ...parts], { axis: attr.int(1) }) : x;
  const featureOf = (t: GbtTree, k: number): number => {
    const local = column.get(t)?.get(k);
    return local === undefined ? (t.feature[k] as number) : (base.get(t.feature[k] as number) as number) + local;
  };
  return { input, featureOf, extra: order.length };
}

interface NodeAttrs {
  treeids: number[];
  nodeids: number[];
  featureids: number[];
  modes: string[];
  values: number[];
  truenodeids: number[];
  falsenodeids: number[];
  missing: number[];
  leafTree: number[];
  leafNode: number[];
  leafTarget: number[];
  leafWeight: number[];
}

function addTree(a: NodeAttrs, t: GbtTree, id: number, target: number, featureOf: (t: GbtTree, k: number) => number): void {
  t.feature.forEach((f, k) => {
    a.treeids.push(id);
    a.nodeids.push(k);
    if (f < 0) {
      a.featureids.push(0);
      a.modes.push('LEAF');
      a.values.push(0);
      a.truenodeids.push(0);
      a.falsenodeids.push(0);
      a.missing.push(0);
      a.leafTree.push(id);
      a.leafNode.push(k);
      a.leafTarget.push(target);
      a.leafWeight.push(t.value[k] as number);
      return;
    }
    const categorical = t.leftCategories[k] !== null && t.leftCategories[k] !== undefined;
    a.featureids.push(featureOf(t, k));
    a.modes.push('BRANCH_LEQ');
    a.values.push(categorical ? 0.5 : (t.threshold[k] as number));
    a.truenodeids.push(t.left[k] as number);
    a.falsenodeids.push(t.right[k] as number);
    a.missing.push(t.missingLeft[k] as number);
  });
}

export function exportGbt(
  g: GraphBuilder,
  x: string,
  d: number,
  model: AnyGbtModel,
  task: 'binary' | 'multiclass' | 'regression',
): EstimatorOutputs {
  const multi = isMulticlassGbt(model);
  const perIteration: GbtTree[][] = multi ? model.trees : model.trees.map((t) => [t]);
  const all = perIteration.flat();
  const { input, featureOf } = categoricalColumns(g, x, d, all, model.knownCategories);
  const a: NodeAttrs = {
    treeids: [],
    nodeids: [],
    featureids: [],
    modes: [],
    values: [],
    truenodeids: [],
    falsenodeids: [],
    missing: [],
    leafTree: [],
    leafNode: [],
    leafTarget: [],
    leafWeight: [],
  };
  let id = 0;
  for (const iteration of perIteration) iteration.forEach((t, c) => addTree(a, t, id++, c, featureOf));
  if (task === 'binary' && a.leafWeight.every((v) => v >= 0)) {
    // onnxruntime decides a binary label by "score > 0.5" when no leaf weight is negative (else
    // "score > 0"); a one-leaf tree of weight −MIN_VALUE keeps the "score > 0" rule, Tideflow's,
    // and adds nothing to any score that is not itself subnormal.
    addTree(
      a,
      {
        feature: [-1],
        threshold: [0],
        left: [0],
        right: [0],
        value: [-Number.MIN_VALUE],
        missingLeft: [0],
        gain: [0],
        leftCategories: [null],
      },
      id++,
      0,
      featureOf,
    );
  }
  const nodes = {
    nodes_treeids: attr.ints(a.treeids),
    nodes_nodeids: attr.ints(a.nodeids),
    nodes_featureids: attr.ints(a.featureids),
    nodes_modes: attr.strings(a.modes),
    nodes_values_as_tensor: attr.doubles(a.values),
    nodes_truenodeids: attr.ints(a.truenodeids),
    nodes_falsenodeids: attr.ints(a.falsenodeids),
    nodes_missing_value_tracks_true: attr.ints(a.missing),
  };
  const baseline = multi ? model.baseline : [model.baseline];
  if (task === 'regression') {
    const variable = g.op1(
      'TreeEnsembleRegressor',
      [input],
      {
        ...nodes,
        n_targets: attr.int(1),
        target_treeids: attr.ints(a.leafTree),
        target_nodeids: attr.ints(a.leafNode),
        target_ids: attr.ints(a.leafTarget),
        target_weights_as_tensor: attr.doubles(a.leafWeight),
        base_values_as_tensor: attr.doubles(baseline),
        aggregate_function: attr.string('SUM'),
        post_transform: attr.string('NONE'),
      },
      ML_DOMAIN,
    );
    return { variable };
  }
  const k = multi ? model.numClasses : 2;
  const [labelIndex, probabilities] = g.op(
    'TreeEnsembleClassifier',
    [input],
    {
      ...nodes,
      class_treeids: attr.ints(a.leafTree),
      class_nodeids: attr.ints(a.leafNode),
      class_ids: attr.ints(a.leafTarget),
      class_weights_as_tensor: attr.doubles(a.leafWeight),
      base_values_as_tensor: attr.doubles(baseline),
      classlabels_int64s: attr.ints(Array.from({ length: k }, (_, i) => i)),
      post_transform: attr.string(multi ? 'SOFTMAX' : 'LOGISTIC'),
    },
    { domain: ML_DOMAIN, count: 2 },
  );
  return { labelIndex: labelIndex as string, probabilities: probabilities as string };
}
