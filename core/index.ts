/** The pure, deterministic core shared by workflows, workers, the CLI and tests. */
export * from './model';
export * from './define';
export * from './trigger-rules';
export * from './graph';
export * from './validate';
export * from './scheduler';
export * from './output-ref';
export * from './search-attributes';
export * from './dates';
export * from './run-view';
