// arquero ships typings for its public entry only; this is its expression parser (pure, no Node
// APIs), imported by path so workflow code (dags/params) can validate expressions without the rest
// of arquero (whose file loaders use node:fs).
declare module 'arquero/src/expression/parse.js' {
  export function parse(input: Record<string, string>, options: { ast: true }): { names: string[]; exprs: unknown[] };
}
declare module 'arquero/src/op/index.js' {
  export const functions: Record<string, unknown>;
  export function hasAggregate(name: string): boolean;
  export function hasWindow(name: string): boolean;
}
