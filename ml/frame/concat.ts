/**
 * Stack frames read from several files of one partition (e.g. every object under
 * `events/dt=2024-01-01/`) into one. Columns are the union, in order of first appearance; a
 * file without a column contributes missing values. A column typed differently by two files
 * is refused, naming both files, rather than silently turned into strings.
 */
import { InputError } from '../../core/errors';
import type { Frame, FrameColumn } from './frame';

export interface LocatedFrame {
  frame: Frame;
  location: string;
}

export function concatFrames(parts: readonly LocatedFrame[]): Frame {
  if (parts.length === 1 && parts[0]) return parts[0].frame;
  const rows = parts.reduce((n, p) => n + p.frame.rows, 0);
  const first = new Map<string, { col: FrameColumn; location: string }>();
  for (const p of parts) {
    for (const col of p.frame.columns) {
      const seen = first.get(col.name);
      if (!seen) first.set(col.name, { col, location: p.location });
      else if (seen.col.type !== col.type) {
        throw new InputError(`column '${col.name}' is ${seen.col.type} in ${seen.location} but ${col.type} in ${p.location}`);
      }
    }
  }
  const columns = [...first.values()].map(({ col }): FrameColumn => {
    if (col.type === 'string') {
      const values: (string | null)[] = [];
      for (const p of parts) {
        const c = p.frame.columns.find((x) => x.name === col.name);
        if (c && c.type === 'string') for (const v of c.values) values.push(v);
        else for (let i = 0; i < p.frame.rows; i++) values.push(null);
      }
      return { name: col.name, type: 'string', values };
    }
    const values = new Float64Array(rows).fill(NaN);
    let offset = 0;
    for (const p of parts) {
      const c = p.frame.columns.find((x) => x.name === col.name);
      if (c && c.type !== 'string') values.set(c.values, offset);
      offset += p.frame.rows;
    }
    return { name: col.name, type: col.type, values };
  });
  return { rows, columns };
}
