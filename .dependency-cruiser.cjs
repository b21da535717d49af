/**
 * Layers as folders, imports only downward (README "Layout"). From the bottom:
 *   core      the engine's pure model: DAG definitions, graph, schedules, templates, dates
 *   ml        the pure ML library (frames, io, features, trainers, metrics, validation, drift, report)
 *   mlops     pure MLOps decisions on top of ml: gate, search spaces, retrain policy
 *   config, storage, registry   environment, the S3 artifact layer, the model registry
 *   dags, workflows             deterministic workflow code (bundled for Temporal)
 *   client, activities          Temporal client helpers; activities = thin I/O adapters over ml/mlops
 *   serve                       the prediction server (like activities: registry, storage, ml, config)
 *   workers, alerts, cli, infra, bench   entry points
 * Type-only imports upward are allowed where Temporal needs them (workflows proxy activity types).
 */
const layer = (names) => `^(${names.join('|')})/`;
const rule = (name, comment, from, forbidden, extra = {}) => ({
  name,
  comment,
  severity: 'error',
  from: { path: layer(from) },
  to: { path: layer(forbidden), dependencyTypesNot: ['type-only'], ...extra },
});
const ENTRY = ['workers', 'alerts', 'cli', 'infra', 'bench'];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules form a DAG.',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
    rule(
      'core-is-the-base',
      'core imports nothing of the project above it.',
      ['core'],
      ['ml', 'mlops', 'config', 'storage', 'registry', 'dags', 'workflows', 'client', 'activities', 'serve', ...ENTRY],
    ),
    rule(
      'ml-is-pure',
      'ml is a library: no Temporal, no S3, no project layer above core.',
      ['ml'],
      ['mlops', 'config', 'storage', 'registry', 'dags', 'workflows', 'client', 'activities', 'serve', ...ENTRY],
    ),
    rule(
      'mlops-is-pure',
      'mlops decisions build on ml and core only.',
      ['mlops'],
      ['config', 'storage', 'registry', 'dags', 'workflows', 'client', 'activities', 'serve', ...ENTRY],
    ),
    rule(
      'storage-below-registry',
      'storage knows nothing of the registry or the activities.',
      ['storage', 'config'],
      ['ml', 'mlops', 'registry', 'dags', 'workflows', 'client', 'activities', 'serve', ...ENTRY],
    ),
    rule(
      'registry-below-activities',
      'the registry is a library the activities and CLI use.',
      ['registry'],
      ['dags', 'workflows', 'client', 'activities', 'serve', ...ENTRY],
    ),
    rule(
      'workflow-code-is-sandboxed',
      'dags and workflows run in the workflow sandbox: no I/O layers.',
      ['dags', 'workflows'],
      ['config', 'storage', 'registry', 'client', 'activities', 'serve', ...ENTRY],
    ),
    rule(
      'activities-below-entry-points',
      'activities are adapters; workers and entry points wire them.',
      ['activities'],
      ['workflows', 'dags', 'serve', ...ENTRY],
    ),
    rule(
      'client-below-entry-points',
      'client helpers start and signal workflows; entry points use them.',
      ['client'],
      ['activities', 'serve', ...ENTRY],
    ),
    rule(
      'serve-below-entry-points',
      'the prediction server is an adapter like the activities: registry, storage, ml, config; entry points start it.',
      ['serve'],
      ['workflows', 'dags', 'client', 'activities', ...ENTRY],
    ),
    {
      name: 'ml-no-temporal-or-s3',
      severity: 'error',
      comment: 'ml and mlops are pure libraries.',
      from: { path: '^(ml|mlops|core)/' },
      to: { path: 'node_modules/(@temporalio/(client|worker|activity|workflow)|@aws-sdk)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'workflow-code-no-node',
      severity: 'error',
      comment: 'Workflow code (workflows/, dags/, mlops/) is deterministic: no Node APIs.',
      from: { path: '^(workflows|dags|mlops)/' },
      to: { dependencyTypes: ['core'], dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|tests)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
