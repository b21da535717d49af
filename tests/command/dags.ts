/** DAGs for the runCommand integration tests: the command spec comes from the run's params. */
import { z } from 'zod';
import { createDagDefiner } from '../../core/define';
import type { DagDefinition } from '../../core/model';
import type { Activities } from '../../activities';
import type { CommandInput } from '../../activities/command/types';

const defineDag = createDagDefiner<Activities>();
const params = z.object({
  spec: z.record(z.string(), z.unknown()),
  /** Free values for {{params.extra.*}} placeholders. */
  extra: z.record(z.string(), z.unknown()).default({}),
});
const spec = (p: z.output<typeof params>): CommandInput => p.spec as unknown as CommandInput;

/** One command, one attempt, heartbeats due every 2 s (so cancellation arrives quickly). */
export const commandOnce = defineDag(
  { id: 't_command', params, defaults: { retry: { maxAttempts: 1 }, heartbeatTimeout: '2 seconds', startToCloseTimeout: '2 minutes' } },
  (dag) => {
    dag.task('run', { activity: 'runCommand', input: ({ params: p }) => spec(p) });
  },
);

/** Three attempts, 100 ms apart: non-retryable errors must stop after the first. */
export const commandRetried = defineDag(
  {
    id: 't_command_retry',
    params,
    defaults: { retry: { maxAttempts: 3, initialInterval: '100ms', backoffCoefficient: 1 }, heartbeatTimeout: '5 seconds' },
  },
  (dag) => {
    dag.task('run', { activity: 'runCommand', input: ({ params: p }) => spec(p) });
  },
);

/** produce writes a file and a result; consume gets the file staged and the result through vars. */
export const commandChain = defineDag(
  {
    id: 't_command_chain',
    params: z.object({ source: z.string(), tag: z.string().default('first') }),
    defaults: { retry: { maxAttempts: 1 }, heartbeatTimeout: '5 seconds' },
  },
  (dag) => {
    const script = 'tests/command/fixtures/roundtrip.py';
    const produce = dag.task('produce', {
      activity: 'runCommand',
      input: ({ params: p }) => ({
        command: 'python3',
        args: [script, '--input', '{{inputs.data}}', '--output', '{{outputs.table}}', '--tag', '{{params.tag}}'],
        inputs: { data: p.source },
        outputs: { table: 'out/table.csv' },
      }),
    });
    dag.task('consume', {
      activity: 'runCommand',
      upstream: [produce],
      input: ({ upstream }) => ({
        command: 'python3',
        args: [script, '--input', '{{inputs.table}}', '--output', '{{outputs.again}}', '--tag', 'rows={{vars.rows}}'],
        inputs: { table: upstream.produce.outputs['table'] as NonNullable<(typeof upstream.produce.outputs)[string]> },
        vars: { rows: upstream.produce.result?.['rows'] },
        outputs: { again: 'again.csv' },
      }),
    });
  },
);

export const commandTestDags = [commandOnce, commandRetried, commandChain] as DagDefinition[];
