/**
 * The ordered working columns a feature pipeline passes from step to step: the arrays in
 * ./columns.ts's WorkingSet and their symbolic twins in ../onnx/working.ts's SymWorkingSet.
 * A column may carry `group`, the input column an expanded output came from, so that replacing
 * or dropping the input column takes all its outputs.
 */
export class ColumnList<C extends { name: string; group?: string }> {
  constructor(public columns: C[]) {}

  /** Put `by` where the column `name` (or the outputs of group `name`) stood. */
  replace(name: string, by: C[]): void {
    const at = this.columns.findIndex((c) => c.name === name || c.group === name);
    const rest = this.columns.filter((c) => c.name !== name && c.group !== name);
    rest.splice(at, 0, ...by);
    this.columns = rest;
  }

  add(cols: C[]): void {
    this.columns = [...this.columns, ...cols];
  }

  drop(name: string): void {
    this.columns = this.columns.filter((c) => c.name !== name && c.group !== name);
  }
}
