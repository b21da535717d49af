/**
 * Bring your own Python: each step is a real Python script run by the `runCommand` activity
 * (activities/command/), on the Palmer penguins data shipped in the vega-datasets npm package.
 *
 *   prepare ── train ── gate ─┬─ report
 *                             └─ rejected
 *
 * - prepare: JSON → clean CSV (examples/python/prepare_penguins.py), uploaded as the `data` output.
 * - train: a nearest-centroid classifier (examples/python/train_centroid.py, standard library only)
 *   reads `data` (staged from the upstream artifact, checksum verified), writes the `model` output
 *   and its test accuracy as its JSON result.
 * - gate: branches on the accuracy the script reported.
 * - report: another script reads the model artifact and the accuracy (through `vars`).
 *
 * Script paths are relative to the project root (the default working directory of a command);
 * point `script`-like args at your own file, by absolute path or relative to the repository.
 * See docs/command-step.md.
 */
import { z } from 'zod';
import { defineDag } from './define';

/** A declared output of an upstream command (present whenever that task succeeded). */
function outputOf(
  task: string,
  outputs: Record<string, { uri: string; bytes: number; sha256: string }>,
  name: string,
): { uri: string; bytes: number; sha256: string } {
  const ref = outputs[name];
  if (!ref) throw new Error(`task '${task}' returned no output '${name}' (it has: ${Object.keys(outputs).join(', ') || 'none'})`);
  return ref;
}

const DEFAULT_FEATURES = ['beak_length_mm', 'beak_depth_mm', 'flipper_length_mm', 'body_mass_g'];

export default defineDag(
  {
    id: 'python_train',
    description: 'Train a nearest-centroid penguin classifier with plain Python scripts (external command steps).',
    tags: ['example', 'ml', 'python'],
    params: z.object({
      /** The Python interpreter (a name on the worker's PATH or an absolute path). */
      python: z.string().min(1).default('python3'),
      /** Penguins JSON, relative to the project root (or absolute). */
      source: z.string().min(1).default('node_modules/vega-datasets/data/penguins.json'),
      target: z.string().min(1).default('species'),
      features: z
        .array(z.string().regex(/^[A-Za-z0-9_]+$/))
        .min(1)
        .default(DEFAULT_FEATURES),
      testFraction: z.number().gt(0).lt(1).default(0.2),
      seed: z.number().int().min(0).default(42),
      minAccuracy: z.number().min(0).max(1).default(0.9),
    }),
    maxActiveTasks: 2,
    defaults: {
      retry: { maxAttempts: 2, initialInterval: '2s' },
      startToCloseTimeout: '10 minutes',
      // Heartbeats carry progress and deliver cancellation: a cancelled run stops its script within ~this.
      heartbeatTimeout: '20 seconds',
    },
  },
  (dag) => {
    const prepare = dag.task('prepare', {
      activity: 'runCommand',
      input: ({ params }) => ({
        command: params.python,
        args: ['examples/python/prepare_penguins.py', '--source', '{{params.source}}', '--output', '{{outputs.data}}'],
        outputs: { data: 'penguins.csv' },
        timeoutSeconds: 120,
      }),
    });
    const train = dag.task('train', {
      activity: 'runCommand',
      upstream: [prepare],
      input: ({ params, upstream }) => ({
        command: params.python,
        args: [
          'examples/python/train_centroid.py',
          '--input',
          '{{inputs.data}}',
          '--output',
          '{{outputs.model}}',
          '--target',
          '{{params.target}}',
          '--features',
          params.features.join(','),
          '--test-fraction',
          '{{params.testFraction}}',
          '--seed',
          '{{params.seed}}',
        ],
        inputs: { data: outputOf('prepare', upstream.prepare.outputs, 'data') },
        outputs: { model: 'model.json' },
        timeoutSeconds: 600,
      }),
    });
    const gate = dag.empty('gate', {
      upstream: [train],
      branch: (up, ctx) => (Number(up.train.result?.['accuracy']) >= ctx.params.minAccuracy ? 'report' : 'rejected'),
    });
    dag.task('report', {
      activity: 'runCommand',
      upstream: [gate, train],
      input: ({ params, upstream }) => ({
        command: params.python,
        args: [
          'examples/python/report.py',
          '--model',
          '{{inputs.model}}',
          '--accuracy',
          '{{vars.accuracy}}',
          '--run',
          '{{run_id}}',
          '--output',
          '{{outputs.report}}',
        ],
        inputs: { model: outputOf('train', upstream.train.outputs, 'model') },
        vars: { accuracy: upstream.train.result?.['accuracy'] },
        outputs: { report: 'report.md' },
        timeoutSeconds: 120,
      }),
    });
    dag.empty('rejected', { upstream: [gate] });
  },
);
