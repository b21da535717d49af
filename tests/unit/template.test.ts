/** Placeholder rendering (pure, core/template.ts): values, paths, JSON for objects, and the errors for unknown names. */
import { describe, expect, it } from 'vitest';
import { renderFields, renderTemplate, runTemplateVars, TemplateError, type TemplateScope } from '../../core/template';

const scope: TemplateScope = {
  builtins: { ds: '2024-01-01', run_id: 'python_train__manual__x', logical_date: '2024-01-01T03:00:00.000Z' },
  params: { rows: 500, name: 'penguins', nested: { lr: 0.1, tags: ['a', 'b'] }, flag: false, nothing: null },
  vars: { model: { uri: 's3://b/k', bytes: 3 }, accuracy: 0.97 },
  inputs: { data: '/tmp/w/inputs/data/penguins.csv' },
  outputs: { model: '/tmp/w/outputs/model.json' },
};
const one = (text: string): string => renderFields([{ where: 'args[0]', text }], scope)[0] as string;

describe('renderFields', () => {
  it('fills builtins, params, vars, inputs and outputs inside larger strings', () => {
    expect(one('--date={{ds}}')).toBe('--date=2024-01-01');
    expect(one('{{ run_id }}/{{params.name}}')).toBe('python_train__manual__x/penguins');
    expect(one('{{params.rows}}')).toBe('500');
    expect(one('{{params.flag}}')).toBe('false');
    expect(one('{{params.nested.lr}}')).toBe('0.1');
    expect(one('{{params.nested.tags.1}}')).toBe('b');
    expect(one('{{vars.model.uri}}')).toBe('s3://b/k');
    expect(one('{{vars.accuracy}}')).toBe('0.97');
    expect(one('{{inputs.data}}')).toBe('/tmp/w/inputs/data/penguins.csv');
    expect(one('{{outputs.model}}')).toBe('/tmp/w/outputs/model.json');
  });

  it('renders objects and arrays as JSON and leaves text without placeholders alone', () => {
    expect(one('{{params.nested.tags}}')).toBe('["a","b"]');
    expect(one('{{vars.model}}')).toBe('{"uri":"s3://b/k","bytes":3}');
    expect(one('plain $HOME; rm -rf / {not a placeholder}')).toBe('plain $HOME; rm -rf / {not a placeholder}');
  });

  it('does not re-render values that themselves look like placeholders (no injection)', () => {
    const s = { ...scope, vars: { evil: '{{inputs.data}}' } };
    expect(renderFields([{ where: 'a', text: '{{vars.evil}}' }], s)).toEqual(['{{inputs.data}}']);
  });

  it('names every unknown placeholder with where it is, and lists what exists', () => {
    let err: unknown;
    try {
      renderFields(
        [
          { where: 'args[1]', text: '{{inputs.dat}}' },
          { where: 'args[2]', text: '{{outputs.modle}}' },
          { where: 'env.X', text: '{{params.nested.missing}}' },
          { where: 'args[3]', text: '{{dss}}' },
        ],
        scope,
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateError);
    const msg = (err as Error).message;
    expect(msg).toContain("args[1]: unknown placeholder {{inputs.dat}}: no input 'dat' is declared (declared inputs: data)");
    expect(msg).toContain("args[2]: unknown placeholder {{outputs.modle}}: no output 'modle' is declared (declared outputs: model)");
    expect(msg).toContain("env.X: unknown placeholder {{params.nested.missing}}: params.nested has no 'missing'");
    expect(msg).toContain('args[3]: unknown placeholder {{dss}}');
    expect(msg).toContain(
      'Available placeholders: {{ds}}, {{run_id}}, {{logical_date}}, {{inputs.data}}, {{outputs.model}}, {{params.rows}}',
    );
    expect(msg).toContain('{{params.nested.lr}}');
    expect(msg).toContain('{{vars.model.uri}}');
  });

  it('rejects null values and out-of-range indices', () => {
    expect(() => one('{{params.nothing}}')).toThrow('{{params.nothing}} is null');
    expect(() => one('{{params.nested.tags.5}}')).toThrow('params.nested.tags has 2 item(s), no index 5');
  });
});

describe('renderTemplate with runTemplateVars (ingest source keys)', () => {
  const run = {
    ds: '2024-03-05',
    logicalDate: '2024-03-05T00:00:00.000Z',
    dataIntervalStart: '2024-03-04T00:00:00.000Z',
    dataIntervalEnd: '2024-03-05T00:00:00.000Z',
    params: { table: 'events', day: { n: 5 } },
  };

  it('offers the run dates and params', () => {
    expect(renderTemplate('s3://lake/{{params.table}}/dt={{ds}}/{{ ds_nodash }}/', runTemplateVars(run), 'source')).toBe(
      's3://lake/events/dt=2024-03-05/20240305/',
    );
    expect(
      renderTemplate('{{data_interval_start}}..{{data_interval_end}} {{logical_date}} {{params.day.n}}', runTemplateVars(run), 'source'),
    ).toBe('2024-03-04T00:00:00.000Z..2024-03-05T00:00:00.000Z 2024-03-05T00:00:00.000Z 5');
  });

  it('names the field and lists the run placeholders; a task without inputs has no inputs.* placeholders', () => {
    const scope = runTemplateVars(run);
    expect(() => renderTemplate('data/{{dss}}.csv', scope, 'source')).toThrow(
      'source: unknown placeholder {{dss}}. Available placeholders: {{ds}}, {{ds_nodash}}, {{logical_date}}, {{data_interval_start}}, {{data_interval_end}}, {{params.table}}, {{params.day.n}}',
    );
    expect(() => renderTemplate('{{inputs.x}}', scope, 'source')).toThrow(
      "source: unknown placeholder {{inputs.x}}: no input 'x' is declared (declared inputs: none)",
    );
    expect(() => renderTemplate('{{vars.x}}', scope, 'source')).toThrow('source: unknown placeholder {{vars.x}}.');
  });
});
