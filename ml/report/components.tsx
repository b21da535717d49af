/**
 * The report's building blocks as preact components. Every string passed as a child or an
 * attribute is escaped by the renderer (preact-render-to-string): user text cannot become markup
 * whatever the call site does. The only raw HTML is `TrustedSvg` (charts rendered by Vega from our
 * own specifications and checked by `checkedSvg`) and the constant stylesheet.
 */
import type { ComponentChildren, JSX } from 'preact';

/** A top-level section; `id` is what the contents list links to (and tests look for). */
export function Section(p: { id: string; title?: string; children?: ComponentChildren }): JSX.Element {
  return (
    <section id={p.id} class="section">
      {p.title !== undefined && <h2>{p.title}</h2>}
      {p.children}
    </section>
  );
}

/** A table cell: content, or content with a class and a tooltip. */
export type Cell = ComponentChildren | { content: ComponentChildren; cls?: string; title?: string };

const isCellObject = (c: Cell): c is { content: ComponentChildren; cls?: string; title?: string } =>
  typeof c === 'object' && c !== null && !Array.isArray(c) && 'content' in c;

export function Table(p: {
  headers: readonly string[];
  rows: readonly (readonly Cell[])[];
  cls?: string;
  rowCls?: (i: number) => string | undefined;
  /** Columns from this index on are numbers: right-aligned, tabular digits. */
  numericFrom?: number;
}): JSX.Element {
  const num = (j: number): boolean => p.numericFrom !== undefined && j >= p.numericFrom;
  return (
    <div class="table-wrap">
      <table class={p.cls}>
        <thead>
          <tr>
            {p.headers.map((h, j) => (
              <th class={num(j) ? 'num' : undefined}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {p.rows.map((r, i) => (
            <tr class={p.rowCls?.(i)}>
              {r.map((c, j) => {
                const cell = isCellObject(c) ? c : { content: c };
                const cls = [cell.cls, num(j) ? 'num' : undefined].filter(Boolean).join(' ');
                return (
                  <td class={cls || undefined} title={cell.title}>
                    {cell.content}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A definition list of label → value; undefined pairs are skipped. */
export function Facts(p: { pairs: readonly (readonly [string, ComponentChildren] | undefined | false)[] }): JSX.Element {
  const items = p.pairs.filter((x): x is readonly [string, ComponentChildren] => Array.isArray(x));
  return (
    <dl class="facts">
      {items.map(([k, v]) => (
        <div>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}

export const Note = (p: { children?: ComponentChildren }): JSX.Element => <p class="note">{p.children}</p>;
export const Muted = (p: { children?: ComponentChildren }): JSX.Element => <span class="muted">{p.children}</span>;
export const Badge = (p: { label: string; cls: string }): JSX.Element => <span class={`badge ${p.cls}`}>{p.label}</span>;
export const Code = (p: { children?: ComponentChildren }): JSX.Element => <code>{p.children}</code>;

/** Items separated by `sep` (", " by default). */
export function joined(items: readonly ComponentChildren[], sep: ComponentChildren = ', '): ComponentChildren[] {
  return items.flatMap((x, i) => (i === 0 ? [x] : [sep, x]));
}

/** "3 more … not shown" when a list was cut. */
export function Omitted(p: { count: number; what: string }): JSX.Element | null {
  return p.count > 0 ? (
    <Note>
      {p.count.toLocaleString('en-US')} more {p.what} not shown.
    </Note>
  ) : null;
}

/** A chart with its caption. */
export function Figure(p: { children?: ComponentChildren; caption?: ComponentChildren }): JSX.Element {
  return (
    <figure>
      {p.children}
      {p.caption !== undefined && <figcaption>{p.caption}</figcaption>}
    </figure>
  );
}

/** An SVG string produced by charts/vega.ts (already checked); the one raw-HTML component. */
export function TrustedSvg(p: { svg: string }): JSX.Element {
  return <div class="vchart" dangerouslySetInnerHTML={{ __html: p.svg }} />;
}
