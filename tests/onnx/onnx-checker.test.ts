/**
 * The exported files pass the ONNX project's own validator, `onnx.checker.check_model(full_check=True)`
 * (which also runs shape inference), through Debian's python3-onnx. Skipped, saying so, where
 * python3 has no onnx module.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportLoadedModel } from '../../ml/onnx';
import { GBT_PIPELINE, LINEAR_PIPELINE, trainModel } from './helpers';

// Debian's interpreter first: a python3 earlier on PATH (pyenv, a venv) usually lacks python3-onnx.
const PYTHONS = ['/usr/bin/python3', 'python3'];
const probes = PYTHONS.map((python) => ({
  python,
  result: spawnSync(python, ['-c', 'import onnx; print(onnx.__version__)'], { encoding: 'utf8' }),
}));
const found = probes.find((p) => p.result.status === 0);
const probe = found?.result ?? probes[probes.length - 1]!.result;
const available = found !== undefined;
const dir = mkdtempSync(join(tmpdir(), 'tideflow-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CHECK = `
import sys, onnx
for path in sys.argv[1:]:
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    print(path, 'ok', [o.name for o in m.graph.output])
`;

describe('onnx.checker', () => {
  if (!available) {
    it.skip(`skipped: python3 cannot import onnx (${(probe.stderr || probe.error?.message || '').trim().split('\n').at(-1)}); install python3-onnx to run it`, () => {});
    return;
  }
  it(`accepts every estimator's file (onnx ${probe.stdout.trim()})`, async () => {
    const models = await Promise.all([
      trainModel('gbt', 'binary', GBT_PIPELINE, { maxIter: 5 }, 800),
      trainModel('gbt', 'multiclass', GBT_PIPELINE, { maxIter: 5 }, 800),
      trainModel('gbt', 'regression', GBT_PIPELINE, { maxIter: 5 }, 800),
      trainModel('logistic_regression', 'binary', LINEAR_PIPELINE, {}, 800),
      trainModel('logistic_regression', 'multiclass', LINEAR_PIPELINE, {}, 800),
      trainModel('linear_regression', 'regression', LINEAR_PIPELINE, {}, 800),
    ]);
    const paths = models.map((m, i) => {
      const path = join(dir, `model-${i}.onnx`);
      writeFileSync(path, exportLoadedModel(m, { modelVersion: 1, tideflowVersion: 'test' }));
      return path;
    });
    const run = spawnSync(found!.python, ['-c', CHECK, ...paths], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(paths.length);
  });
});
