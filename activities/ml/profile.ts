/**
 * Reference profile of a model version's training data (the drift baseline): a bounded, seeded
 * sample of the rows plus, per feature, a histogram (numeric: Sturges edges over all rows) or
 * category counts. register.ts saves one next to each candidate and records it on the version
 * (`profile`); the drift monitor compares production windows with its sample.
 */
import { z } from 'zod';
import { defineArtifact, type ArtifactOf } from '../../core/artifact-format';
import { histogram, sturgesEdges } from '../../ml/drift';
import { createRng, shuffled } from '../../ml/stats/random';
import { cellAt, frameFromRows, frameToRows, takeRows, type Frame } from '../../ml/frame/frame';
import type { Row } from './types';

export const PROFILE_MAX_ROWS = 5000;
export const PROFILE_SEED = 42;

const count = z.number().int().nonnegative();

/** Per feature: a histogram over Sturges edges (numeric), or counts per category. */
const featureProfileSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('numeric'),
    count,
    missing: count,
    min: z.number(),
    max: z.number(),
    edges: z.array(z.number()),
    counts: z.array(count),
  }),
  z.object({ kind: z.literal('categorical'), count, missing: count, categories: z.record(z.string(), count) }),
]);
export type FeatureProfile = z.infer<typeof featureProfileSchema>;

/** The persisted profile (`tideflow.reference-profile`), declared once; its type is the schema's z.infer. */
export const referenceProfile = defineArtifact('tideflow.reference-profile', 1, {
  /** Rows in the profiled dataset, and how many of them are in `sample`. */
  rows: count,
  sampleSize: count,
  seed: z.number().int(),
  features: z.record(z.string(), featureProfileSchema),
  sample: z.array(z.record(z.string(), z.unknown())),
});
export type ReferenceProfile = ArtifactOf<typeof referenceProfile>;

function isMissing(v: unknown): boolean {
  return v === null || v === undefined || (typeof v === 'string' && v.trim() === '');
}

/** Numeric feature: Sturges histogram over the ascending, finite, non-empty `sorted`. */
function numericProfile(sorted: Float64Array, missing: number): FeatureProfile {
  const edges = sturgesEdges(sorted);
  return {
    kind: 'numeric',
    count: sorted.length,
    missing,
    min: sorted[0] ?? 0,
    max: sorted[sorted.length - 1] ?? 0,
    edges,
    counts: histogram(sorted, edges),
  };
}

function featureProfile(values: unknown[]): FeatureProfile {
  const present = values.filter((v) => !isMissing(v));
  const missing = values.length - present.length;
  if (present.length > 0 && present.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    return numericProfile(Float64Array.from(present as number[]).sort(), missing);
  }
  const categories: Record<string, number> = {};
  for (const v of present) categories[String(v)] = (categories[String(v)] ?? 0) + 1;
  return { kind: 'categorical', count: present.length, missing, categories };
}

/**
 * A profile of row objects (tests, ad-hoc baselines): the rows are typed as ingest types them,
 * then profiled like a dataset artifact, so both give the same profile for the same data.
 */
export function buildProfile(rows: readonly Row[], o: { maxRows?: number; seed?: number } = {}): ReferenceProfile {
  return buildFrameProfile(frameFromRows(rows), o);
}

/** True when `v` is a valid reference profile (the declared schema, not just its format field). */
export function isReferenceProfile(v: unknown): v is ReferenceProfile {
  return referenceProfile.schema.safeParse(v).success;
}

/** A deterministic profile of a typed Frame (the Arrow dataset artifact): histograms over every row, a seeded row sample (a retried task rewrites the same artifact). */
export function buildFrameProfile(frame: Frame, o: { maxRows?: number; seed?: number } = {}): ReferenceProfile {
  const maxRows = Math.max(1, o.maxRows ?? PROFILE_MAX_ROWS);
  const seed = o.seed ?? PROFILE_SEED;
  const all = Array.from({ length: frame.rows }, (_, i) => i);
  const picked = frame.rows <= maxRows ? all : shuffled(all, createRng(seed)).slice(0, maxRows);
  const sample = frameToRows(takeRows(frame, picked));
  const features = Object.fromEntries(
    frame.columns.map((col) => {
      if (col.type === 'number') {
        const sorted = col.values.filter((v) => Number.isFinite(v)).sort();
        if (sorted.length > 0) return [col.name, numericProfile(sorted, frame.rows - sorted.length)];
      }
      return [col.name, featureProfile(Array.from({ length: frame.rows }, (_, i) => cellAt(col, i)))];
    }),
  );
  return { ...referenceProfile.head, rows: frame.rows, sampleSize: sample.length, seed, features, sample };
}
