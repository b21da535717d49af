/**
 * Benchmark: ingest + validate 1M rows (issue 4 target ≤ 10 s on this 2-core machine), no
 * Temporal involved. A seeded 1M-row × 10-column CSV (numbers with and without decimals, full
 * precision floats, categories, a boolean, ISO timestamps, some blanks and 'NA's) is generated in
 * memory (not timed), then timed phase by phase:
 *   parse      CSV bytes → typed Frame (parseSourceFrame: UTF-8 decode, scan, type inference)
 *   encode     Frame → Arrow IPC bytes (what ingest stores as the dataset artifact)
 *   decode     Arrow IPC bytes → Frame (what validate reads back)
 *   validate   statistics + anomalies against a declared schema
 * The target covers all four phases: what the ingest and validate tasks compute, without their
 * S3 round trips (ingest parses and encodes, validate decodes and checks).
 */
import { loadavg } from 'node:os';
import { frameFromArrow, frameToArrow } from '../ml/io/arrow';
import { parseSourceFrame } from '../ml/io/parse';
import { createRng } from '../ml/stats/random';
import { computeStatistics, detectAnomalies, parseDataSchema, type DataSchema } from '../ml/validation';
import { formatTable, verdict } from './table';
import type { BenchContext, BenchOutcome, Benchmark } from './types';

export const INGEST_VALIDATE_TARGET_S = 10;
const ROWS = 1_000_000;

const CATEGORIES = ['books', 'electronics', 'garden', 'grocery', 'health', 'home', 'sports', 'toys'];

/** The bench CSV: `rows` rows, 10 columns, deterministic for a seed. */
export function makeCsv(rows: number, seed: number): Uint8Array {
  const rand = createRng(seed);
  const start = Date.UTC(2024, 0, 1);
  const lines: string[] = ['id,event_time,amount,score,quantity,category,region,is_member,discount,label'];
  const chunks: Uint8Array[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < rows; i++) {
    const amount = rand() < 0.02 ? '' : (Math.exp(rand() * 6) - 0.5).toFixed(2);
    const score = rand();
    const quantity = 1 + Math.floor(rand() * 100);
    const category = CATEGORIES[Math.floor(rand() * CATEGORIES.length)] as string;
    const region = `region_${Math.floor(rand() * 50)}`;
    const member = rand() < 0.3 ? 'true' : 'false';
    const discount = rand() < 0.01 ? 'NA' : (rand() * 0.5).toFixed(4);
    const label = rand() < 0.2 ? 1 : 0;
    const time = new Date(start + i * 30_000).toISOString();
    lines.push(`${i},${time},${amount},${score},${quantity},${category},${region},${member},${discount},${label}`);
    if (lines.length === 50_000) {
      chunks.push(encoder.encode(`${lines.join('\n')}\n`));
      lines.length = 0;
    }
  }
  if (lines.length > 0) chunks.push(encoder.encode(`${lines.join('\n')}\n`));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The schema the bench validates against: every check kind enabled, none violated. */
export const BENCH_SCHEMA: DataSchema = parseDataSchema({
  minRows: 1000,
  columns: {
    id: { type: 'number', unique: true, min: 0 },
    event_time: { type: 'timestamp', min: '2024-01-01T00:00:00Z', max: '2025-01-01T00:00:00Z' },
    amount: { type: 'number', min: 0, maxMissingFraction: 0.05 },
    score: { type: 'number', min: 0, max: 1, nullable: false },
    quantity: { type: 'number', min: 1, max: 100 },
    category: { type: 'string', categories: CATEGORIES },
    region: { type: 'string' },
    is_member: { type: 'boolean' },
    discount: { type: 'number', min: 0, max: 0.5, maxMissingFraction: 0.02 },
    label: { type: 'number', categories: [0, 1] },
  },
});

interface Phase {
  seconds: number;
  cpuSeconds: number;
}

async function timed<T>(f: () => T | Promise<T>): Promise<{ value: T } & Phase> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  const value = await f();
  const used = process.cpuUsage(cpu);
  return { value, seconds: Math.round(performance.now() - wall) / 1000, cpuSeconds: Math.round((used.user + used.system) / 1000) / 1000 };
}

export interface IngestValidateResult {
  rows: number;
  columns: number;
  csvBytes: number;
  arrowBytes: number;
  loadAverage: number;
  parse: Phase;
  encode: Phase;
  decode: Phase;
  validate: Phase;
  anomalies: number;
  total: { seconds: number; target: { maxSeconds: number; pass: boolean } };
}

export const ingestValidateBench: Benchmark = {
  name: 'ingest-validate',
  title: `ingest + validate ${ROWS / 1e6}M rows × 10 columns (CSV → Frame → Arrow, statistics + anomalies)`,
  async run(ctx: BenchContext): Promise<BenchOutcome> {
    ctx.log(`ingest-validate: generating a ${ROWS}-row CSV`);
    const csv = makeCsv(ROWS, 42);
    ctx.signal.throwIfAborted();
    const loadAverage = Math.round((loadavg()[0] ?? 0) * 100) / 100;
    ctx.log(`ingest-validate: parsing ${(csv.length / 1e6).toFixed(0)} MB`);
    const parse = await timed(() => parseSourceFrame(csv, 'csv', { normalizeColumns: true, missingValues: ['NA'] }));
    ctx.log('ingest-validate: Arrow encode / decode');
    const encode = await timed(() => frameToArrow(parse.value));
    const decode = await timed(() => frameFromArrow(encode.value));
    ctx.log('ingest-validate: statistics + anomalies');
    const validate = await timed(() => {
      const statistics = computeStatistics(decode.value);
      return detectAnomalies(decode.value, statistics, BENCH_SCHEMA, {});
    });
    const total = Math.round((parse.seconds + encode.seconds + decode.seconds + validate.seconds) * 1000) / 1000;
    const phase = (p: Phase): Phase => ({ seconds: p.seconds, cpuSeconds: p.cpuSeconds });
    const result: IngestValidateResult = {
      rows: parse.value.rows,
      columns: parse.value.columns.length,
      csvBytes: csv.length,
      arrowBytes: encode.value.length,
      loadAverage,
      parse: phase(parse),
      encode: phase(encode),
      decode: phase(decode),
      validate: phase(validate),
      anomalies: validate.value.length,
      total: { seconds: total, target: { maxSeconds: INGEST_VALIDATE_TARGET_S, pass: total <= INGEST_VALIDATE_TARGET_S } },
    };
    const row = (name: string, p: Phase, note: string): string[] => [
      name,
      `${p.seconds.toFixed(2)} s`,
      `${p.cpuSeconds.toFixed(2)} s`,
      note,
    ];
    const report = [
      `Ingest + validate (${result.rows} rows × ${result.columns} columns, CSV ${(csv.length / 1e6).toFixed(0)} MB, Arrow ${(encode.value.length / 1e6).toFixed(0)} MB; load ${loadAverage.toFixed(1)})`,
      formatTable(
        ['phase', 'wall', 'CPU time', 'what'],
        [
          row('parse', parse, 'CSV bytes → typed Frame'),
          row('encode', encode, 'Frame → Arrow IPC (dataset artifact)'),
          row('decode', decode, 'Arrow IPC → Frame'),
          row('validate', validate, `statistics + anomalies (${result.anomalies} found)`),
        ],
      ),
      `ingest + validate (all phases): ${total.toFixed(2)} s (target <= ${INGEST_VALIDATE_TARGET_S} s) ${verdict(result.total.target.pass)}`,
      'A load average above 2 means other work shared the 2 cores.',
    ].join('\n');
    return { result, report };
  },
};
