/**
 * Activities of the example DAG: a day of synthetic sales, summarised per region with arquero.
 * Synthetic but honest: rows are generated from a seed derived from the logical date, so a
 * re-run of the same date reproduces the same data (as a real partitioned source would).
 */
import * as aq from 'arquero';
import type { TaskContext } from '../context';
import { createRng } from '../../ml/stats/random';

export interface SaleRow {
  region: string;
  product: string;
  units: number;
  price: number;
}

function seedFrom(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

export async function generateSales(input: { rows: number; regions: string[] }, ctx: TaskContext): Promise<SaleRow[]> {
  if (!Number.isInteger(input.rows) || input.rows < 0) throw new Error(`rows must be a non-negative integer, got ${input.rows}`);
  if (input.regions.length === 0) throw new Error('regions must not be empty');
  const rand = createRng(seedFrom(`${ctx.dagId}:${ctx.ds}`));
  const products = ['widget', 'gadget', 'gizmo'];
  return Array.from({ length: input.rows }, () => ({
    region: input.regions[Math.floor(rand() * input.regions.length)] as string,
    product: products[Math.floor(rand() * products.length)] as string,
    units: 1 + Math.floor(rand() * 10),
    price: Math.round((5 + rand() * 45) * 100) / 100,
  }));
}

export async function distinctValues(input: { rows: object[]; column: string }): Promise<string[]> {
  if (input.rows.length === 0) return [];
  if (!(input.column in (input.rows[0] as object))) throw new Error(`column '${input.column}' not found`);
  const values = aq.from(input.rows).select(input.column).dedupe().orderby(input.column).array(input.column);
  return Array.from(values as ArrayLike<unknown>, String);
}

export interface RegionSummary {
  region: string;
  orders: number;
  units: number;
  revenue: number;
}

export async function summarizeRegion(input: { rows: SaleRow[]; region: string }): Promise<RegionSummary> {
  const rows = aq
    .from(input.rows)
    .params({ region: input.region })
    .filter((d: SaleRow, $: { region: string }) => d.region === $.region)
    .derive({ revenue: (d: SaleRow) => d.units * d.price })
    .rollup({ orders: aq.op.count(), units: aq.op.sum('units'), revenue: aq.op.sum('revenue') })
    .objects()[0] as { orders: number; units: number | null; revenue: number | null } | undefined;
  return {
    region: input.region,
    orders: rows?.orders ?? 0,
    units: rows?.units ?? 0,
    revenue: Math.round((rows?.revenue ?? 0) * 100) / 100,
  };
}

export interface SalesReport {
  ds: string;
  regions: number;
  totalRevenue: number;
  best: string | null;
}

export async function buildSalesReport(input: { summaries: RegionSummary[] }, ctx: TaskContext): Promise<SalesReport> {
  const sorted = [...input.summaries].sort((a, b) => b.revenue - a.revenue);
  const totalRevenue = Math.round(sorted.reduce((s, r) => s + r.revenue, 0) * 100) / 100;
  ctx.log.info('sales report', { ds: ctx.ds, totalRevenue });
  return { ds: ctx.ds, regions: sorted.length, totalRevenue, best: sorted[0]?.region ?? null };
}
