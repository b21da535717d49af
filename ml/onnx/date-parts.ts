/**
 * date_parts in ONNX: the same integer calendar arithmetic as ml/features/steps/date-parts.ts
 * (Hinnant's civil_from_days), node for node in float64 — every intermediate is an integer below
 * 2^53, so each Div + Floor is exact and the parts are the numbers Tideflow computes. Only UTC:
 * ONNX has no time-zone database, so another zone is refused rather than approximated.
 */
import type { DatePartsParams } from '../features/steps/date-parts';
import { datePartName } from '../features/plan';
import type { DatePart } from '../features/spec';
import { attr, type GraphBuilder } from './graph';
import { OnnxExportError, type SymColumn, type SymWorkingSet } from './working';

/** Arithmetic on [N,1] float64 values with scalar constants, in JS's order of operations. */
class Calc {
  constructor(private readonly g: GraphBuilder) {}
  private c(v: number | string): string {
    return typeof v === 'number' ? this.g.doubles([v], [1, 1]) : v;
  }
  add = (a: string | number, b: string | number): string => this.g.op1('Add', [this.c(a), this.c(b)]);
  sub = (a: string | number, b: string | number): string => this.g.op1('Sub', [this.c(a), this.c(b)]);
  mul = (a: string | number, b: string | number): string => this.g.op1('Mul', [this.c(a), this.c(b)]);
  /** Math.floor(a / b) */
  fdiv = (a: string | number, b: string | number): string => this.g.op1('Floor', [this.g.op1('Div', [this.c(a), this.c(b)])]);
  /** JS `a % b` (the sign of a): fmod. */
  mod = (a: string, b: number): string => this.g.op1('Mod', [a, this.c(b)], { fmod: attr.int(1) });
  /** cond ? a : b with cond = a < limit style comparisons built by the caller. */
  where = (cond: string, a: string, b: string): string => this.g.op1('Where', [cond, a, b]);
  less = (a: string, b: number): string => this.g.op1('Less', [a, this.c(b)]);
  lessEq = (a: string, b: number): string => this.g.op1('LessOrEqual', [a, this.c(b)]);
}

function parts(g: GraphBuilder, ms: string): Record<DatePart, string> {
  const m = new Calc(g);
  const DAY = 86_400_000;
  const days = m.fdiv(ms, DAY);
  const inDay = m.sub(ms, m.mul(days, DAY));
  const z0 = m.add(days, 719468);
  const era = m.fdiv(z0, 146097);
  const doe = m.sub(z0, m.mul(era, 146097));
  const yoe = m.fdiv(m.sub(m.add(m.sub(doe, m.fdiv(doe, 1460)), m.fdiv(doe, 36524)), m.fdiv(doe, 146096)), 365);
  const doyMar = m.sub(doe, m.sub(m.add(m.mul(365, yoe), m.fdiv(yoe, 4)), m.fdiv(yoe, 100)));
  const mp = m.fdiv(m.add(m.mul(5, doyMar), 2), 153);
  const day = m.add(m.sub(doyMar, m.fdiv(m.add(m.mul(153, mp), 2), 5)), 1);
  const month = m.where(m.less(mp, 10), m.add(mp, 3), m.sub(mp, 9));
  const one = g.doubles([1], [1, 1]);
  const zero = g.doubles([0], [1, 1]);
  const year = m.add(m.add(yoe, m.mul(era, 400)), m.where(m.lessEq(month, 2), one, zero));
  // daysFromCivil(year, 1, 1): January, so yy = year − 1 and doy = 306.
  const yy = m.sub(year, 1);
  const era2 = m.fdiv(yy, 400);
  const yoe2 = m.sub(yy, m.mul(era2, 400));
  const doe2 = m.add(m.sub(m.add(m.mul(yoe2, 365), m.fdiv(yoe2, 4)), m.fdiv(yoe2, 100)), 306);
  const jan1 = m.sub(m.add(m.mul(era2, 146097), doe2), 719468);
  return {
    year,
    month,
    day,
    hour: m.fdiv(inDay, 3_600_000),
    minute: m.fdiv(m.mod(inDay, 3_600_000), 60_000),
    weekday: m.mod(m.add(m.mod(m.add(days, 3), 7), 7), 7),
    dayofyear: m.add(m.sub(days, jan1), 1),
  };
}

export function exportDateParts(p: DatePartsParams, w: SymWorkingSet, where: string): void {
  if (p.timezone !== 'UTC' && p.timezone !== 'Etc/UTC')
    throw new OnnxExportError(
      `${where}: date parts in time zone '${p.timezone}' cannot be exported (ONNX has no time-zone database, so the file would score differently around offset changes): fit the pipeline with timezone 'UTC' or derive the parts before training`,
    );
  const g = w.g;
  for (const column of p.columns) {
    const t = w.numeric(column);
    // A non-finite timestamp (missing) gives missing parts: t − t is NaN exactly then.
    const bad = g.op1('IsNaN', [g.op1('Sub', [t, t])]);
    const nan = g.doubles([NaN], [1, 1]);
    const all = parts(g, t);
    const derived: SymColumn[] = p.parts.map((part) => ({
      kind: 'number',
      name: datePartName(column, part),
      value: g.op1('Where', [bad, nan, all[part]]),
    }));
    w.replace(column, p.keep ? [w.get(column), ...derived] : derived);
  }
}
