/** The HTML run report names the steps a run reused from an earlier run (read from its manifest by mlReport). */
import { expect, it } from 'vitest';
import { renderRunReport } from '../../ml/report';

it('lists cached steps with the run they came from', async () => {
  const html = await renderRunReport({
    run: {
      dagId: 'ml_retrain',
      workflowId: 'wf-2',
      params: {},
      modelName: 'penguins',
      cachedSteps: [
        { task: 'ingest', from: 'wf-1' },
        { task: 'tune', from: 'wf-1' },
      ],
    },
  });
  expect(html).toContain('ingest (from wf-1), tune (from wf-1)');
  expect(await renderRunReport({ run: { dagId: 'd', workflowId: 'w', params: {}, modelName: 'm' } })).not.toContain('(from ');
});
