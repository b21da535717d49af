/**
 * The JSON artifacts of a retraining run and how to read them back. Every reader checks the
 * checksum (see ./store.ts) and the shape, so a stale or foreign object fails loudly.
 */
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import type { FeaturePipeline } from './lib/features';
import { getArtifact, type ArtifactStore } from './store';
import type { ArtifactRef, Row, TrialConfig } from './types';

export interface SplitArtifact {
  format: 'tideflow.split';
  version: 1;
  dataset: string;
  seed: number;
  testFraction: number;
  /** Row indices into the dataset, ascending. */
  train: number[];
  test: number[];
}

/** A trained model, self-contained: it carries the feature pipeline it expects its rows through. */
export interface ModelArtifact {
  format: 'tideflow.logreg';
  version: 1;
  modelName: string;
  target: string;
  classes: string[];
  featureNames: string[];
  /** classes × featureNames. */
  weights: number[][];
  bias: number[];
  config: TrialConfig;
  pipeline: FeaturePipeline;
  training: { rows: number; epochsRun: number; converged: boolean; finalLoss: number; seed: number; dataset: string; split: string };
}

const indices = z.array(z.number().int().nonnegative());
const splitSchema = z.object({
  format: z.literal('tideflow.split'),
  version: z.literal(1),
  dataset: z.string(),
  seed: z.number(),
  testFraction: z.number(),
  train: indices,
  test: indices,
});

const pipelineSchema = z.object({
  format: z.literal('tideflow.features'),
  version: z.literal(1),
  numeric: z.array(z.object({ name: z.string(), mean: z.number(), std: z.number() })),
  categorical: z.array(z.object({ name: z.string(), categories: z.array(z.string()) })),
  featureNames: z.array(z.string()),
  fittedRows: z.number(),
});

const modelSchema = z.object({
  format: z.literal('tideflow.logreg'),
  version: z.literal(1),
  modelName: z.string(),
  target: z.string(),
  classes: z.array(z.string()),
  featureNames: z.array(z.string()),
  weights: z.array(z.array(z.number())),
  bias: z.array(z.number()),
  config: z.object({ index: z.number(), l2: z.number(), learningRate: z.number(), epochs: z.number() }),
  pipeline: pipelineSchema,
  training: z.object({
    rows: z.number(),
    epochsRun: z.number(),
    converged: z.boolean(),
    finalLoss: z.number(),
    seed: z.number(),
    dataset: z.string(),
    split: z.string(),
  }),
});

function parsed<T>(schema: z.ZodType<T>, value: unknown, ref: ArtifactRef, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw ApplicationFailure.nonRetryable(`${ref.uri} is not a ${what}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`, 'InvalidArtifact');
  }
  return result.data;
}

export async function readRows(store: ArtifactStore, ref: ArtifactRef): Promise<Row[]> {
  const value = await getArtifact(store, ref);
  if (!Array.isArray(value) || !value.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) {
    throw ApplicationFailure.nonRetryable(`${ref.uri} is not a dataset (a JSON array of row objects)`, 'InvalidArtifact');
  }
  return value as Row[];
}

export async function readSplit(store: ArtifactStore, ref: ArtifactRef): Promise<SplitArtifact> {
  return parsed(splitSchema, await getArtifact(store, ref), ref, 'split');
}

export async function readPipeline(store: ArtifactStore, ref: ArtifactRef): Promise<FeaturePipeline> {
  return parsed(pipelineSchema, await getArtifact(store, ref), ref, 'feature pipeline');
}

export async function readModel(store: ArtifactStore, ref: ArtifactRef): Promise<ModelArtifact> {
  return parsed(modelSchema, await getArtifact(store, ref), ref, 'tideflow.logreg model');
}

/** The dataset's rows, divided by a split artifact. */
export async function readSplitRows(store: ArtifactStore, dataset: ArtifactRef, split: ArtifactRef): Promise<{ train: Row[]; test: Row[] }> {
  const [rows, s] = await Promise.all([readRows(store, dataset), readSplit(store, split)]);
  if (s.dataset !== dataset.uri) throw ApplicationFailure.nonRetryable(`split ${split.uri} was made for ${s.dataset}, not ${dataset.uri}`, 'InvalidArtifact');
  const pick = (idx: number[]): Row[] =>
    idx.map((i) => {
      const row = rows[i];
      if (!row) throw ApplicationFailure.nonRetryable(`split ${split.uri} names row ${i}; the dataset has ${rows.length}`, 'InvalidArtifact');
      return row;
    });
  return { train: pick(s.train), test: pick(s.test) };
}
