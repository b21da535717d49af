/**
 * Small HTML builders shared by the sections. Cell contents are passed already escaped (they are
 * often markup); `esc` from ../escape is the single place user text becomes HTML.
 */
import { esc } from '../escape';

/** A top-level section; `id` is what the contents list links to (and tests look for). */
export function section(id: string, title: string, body: string): string {
  return `<section id="${id}" class="section"><h2>${esc(title)}</h2>${body}</section>`;
}

export interface Cell {
  html: string;
  cls?: string;
  title?: string;
}

/** A table; cells are raw HTML or `{ html, cls }` (already escaped by the caller). */
export function table(
  headers: readonly string[],
  rows: readonly (readonly (string | Cell)[])[],
  o: { cls?: string; rowCls?: (i: number) => string | undefined; numericFrom?: number } = {},
): string {
  const head = `<thead><tr>${headers.map((h, i) => `<th${o.numericFrom !== undefined && i >= o.numericFrom ? ' class="num"' : ''}>${esc(h)}</th>`).join('')}</tr></thead>`;
  const body = rows
    .map((r, i) => {
      const rc = o.rowCls?.(i);
      const cells = r
        .map((c, j) => {
          const cell: Cell = typeof c === 'string' ? { html: c } : c;
          const classes = [cell.cls, o.numericFrom !== undefined && j >= o.numericFrom ? 'num' : undefined].filter(Boolean).join(' ');
          return `<td${classes ? ` class="${classes}"` : ''}${cell.title ? ` title="${esc(cell.title)}"` : ''}>${cell.html}</td>`;
        })
        .join('');
      return `<tr${rc ? ` class="${rc}"` : ''}>${cells}</tr>`;
    })
    .join('');
  return `<div class="table-wrap"><table${o.cls ? ` class="${o.cls}"` : ''}>${head}<tbody>${body}</tbody></table></div>`;
}

/** A definition list of label → value (values are already-escaped HTML). */
export function facts(pairs: readonly (readonly [string, string] | undefined)[]): string {
  const items = pairs.filter((p): p is readonly [string, string] => p !== undefined);
  return `<dl class="facts">${items.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${v}</dd></div>`).join('')}</dl>`;
}

export const note = (html: string): string => `<p class="note">${html}</p>`;

export const badge = (label: string, cls: string): string => `<span class="badge ${cls}">${esc(label)}</span>`;

export const code = (s: unknown): string => `<code>${esc(s)}</code>`;

/** "3 more … not shown" when a list was cut. */
export function omitted(count: number, what: string): string {
  return count > 0 ? note(`${esc(count.toLocaleString('en-US'))} more ${esc(what)} not shown.`) : '';
}
