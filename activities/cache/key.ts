/**
 * The cache key: sha256 over the activity name, the task's declared cache version, Tideflow's
 * version, the run values the activity reads from its context, the state it depends on outside
 * its input (policy fingerprint), and its resolved input as canonical JSON (object keys sorted,
 * `undefined` left out) in which every artifact reference ({uri: 's3://…', bytes, sha256}) is
 * replaced by its content: its sha256 and size, never its URI. So the same data under another
 * run's key is the same key, and new content under the same URI is a new one.
 */
import { createHash } from 'node:crypto';
import { codeVersion } from '../../storage/artifacts/manifest';
import { isArtifactRef } from '../../storage/artifacts/types';
import type { TaskContext } from '../context';
import type { CachePolicy, ContextField } from './policy';

/** Canonical JSON: sorted keys, no undefined, artifact references by content. Throws on values JSON cannot carry. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`cache key: ${value} has no JSON form`);
    return JSON.stringify(value);
  }
  if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') {
    throw new TypeError(`cache key: a ${typeof value} has no JSON form`);
  }
  if (value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (ArrayBuffer.isView(value)) return canonicalJson(Array.from(value as unknown as ArrayLike<number>));
  const o = value as Record<string, unknown>;
  const entries = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    // An artifact by its content: the URI (and a content key) name where it is, not what it is.
    .filter((k) => !(isArtifactRef(o) && (k === 'uri' || k === 'key')))
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`);
  return `{${isArtifactRef(o) ? '"$artifact":1,' : ''}${entries.join(',')}}`;
}

export interface KeyParts {
  activity: string;
  cacheVersion: string;
  input: unknown;
  fingerprint: unknown;
  context: readonly ContextField[];
}

function contextValues(fields: readonly ContextField[], ctx: TaskContext): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f === 'interval') out.interval = [ctx.dataIntervalStart, ctx.dataIntervalEnd];
    else out[f] = ctx[f];
  }
  return out;
}

/** The key's parts, in the order they are hashed; exposed for tests and `cache ls`. */
export function keyMaterial(parts: KeyParts, ctx: TaskContext): string {
  return canonicalJson({
    activity: parts.activity,
    cacheVersion: parts.cacheVersion,
    tideflowVersion: codeVersion().packageVersion,
    context: contextValues(parts.context, ctx),
    fingerprint: parts.fingerprint ?? null,
    input: parts.input ?? null,
  });
}

export function cacheKey(parts: KeyParts, ctx: TaskContext): string {
  return createHash('sha256').update(keyMaterial(parts, ctx)).digest('hex');
}

export type { CachePolicy };
