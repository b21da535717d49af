/**
 * The README's ONNX loading examples are real: its Node block is examples/onnx/score-penguins.mjs,
 * which is run here (node, onnxruntime-node) on a model exported from the penguins and must give
 * Tideflow's own answer for that row; its Python block (onnxruntime for Python cannot be installed
 * here) must compile and send the same inputs, value for value.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameFromRows } from '../../ml/frame/frame';
import { exportLoadedModel } from '../../ml/onnx';
import { parseModelDocument, scoreFrame } from '../../ml/predict';
import { trainModel } from '../serve/helpers';

const ROOT = join(__dirname, '..', '..');
const EXAMPLE = join(ROOT, 'examples', 'onnx', 'score-penguins.mjs');
/** The row both examples send (sex missing). */
const ROW = { beak_length_mm: 39.1, beak_depth_mm: 18.7, flipper_length_mm: 181, body_mass_g: 3750, island: 'Torgersen', sex: null };

/** The fenced blocks of `lang` in the README's ONNX section. */
async function readmeBlocks(lang: string): Promise<string[]> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Exporting models to ONNX');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] as string);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tideflow-readme-onnx-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("README's ONNX loading examples", () => {
  it('the Node block is examples/onnx/score-penguins.mjs, and running it gives scoreFrame’s answer', async () => {
    const example = await readFile(EXAMPLE, 'utf8');
    expect(await readmeBlocks('js')).toEqual([example]);
    for (const kind of ['gbt', 'logistic_regression'] as const) {
      const model = parseModelDocument(await trainModel(`readme-${kind}`, kind, kind === 'gbt' ? { maxIter: 20 } : {}), 'readme model');
      const file = join(dir, `${kind}.onnx`);
      await writeFile(file, exportLoadedModel(model, { modelVersion: 1, tideflowVersion: 'test' }));
      const { stdout } = await promisify(execFile)(process.execPath, [EXAMPLE, file], { cwd: ROOT });
      const got = JSON.parse(stdout) as { label: string; probabilities: number[] };
      const want = scoreFrame(model, frameFromRows([ROW]));
      expect(got.label).toBe(want.labels?.[0]);
      expect(got.probabilities).toHaveLength(3);
      got.probabilities.forEach((p, c) => expect(Math.abs(p - (want.proba?.[c] as number))).toBeLessThan(1e-5));
    }
  }, 120_000);

  it('the Python block compiles and feeds the same inputs as the Node one', async () => {
    const [python] = await readmeBlocks('python');
    expect(python).toBeDefined();
    const src = python as string;
    for (const [name, value] of Object.entries(ROW)) {
      const arg = value === null ? 'None' : typeof value === 'string' ? `"${value}"` : String(value);
      expect(src).toMatch(new RegExp(`"${name}": (num|text)\\(${arg.replace(/[.()]/g, '\\$&')}\\)`));
    }
    expect(src).toContain('ort.InferenceSession("penguins.onnx"');
    const file = join(dir, 'snippet.py');
    await writeFile(file, src);
    const py = spawnSync('/usr/bin/python3', ['-m', 'py_compile', file], { encoding: 'utf8' });
    if (py.error) return; // no Debian python3: nothing more to check here
    expect(py.stderr).toBe('');
    expect(py.status).toBe(0);
  });
});
