/**
 * Errors across the thread boundary. Structured clone keeps only an Error's message, so the
 * thread sends the name and the fields that decide retryability, and the activity side rebuilds
 * the same class, or an ApplicationFailure of the same type: a bad-input error (an InputError, a
 * non-retryable ApplicationFailure) stays non-retryable exactly as when it was thrown in-process.
 */
import { ApplicationFailure } from '@temporalio/common';
import { TideflowError } from '../../../core/errors';
import { EstimatorInputError } from '../../../ml/estimators/types';
import { FeaturePipelineError } from '../../../ml/features/spec';

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  /** ApplicationFailure only. */
  type?: string;
  nonRetryable?: boolean;
}

const CLASSES: Record<string, new (message: string) => Error> = {
  RangeError,
  TypeError,
  FeaturePipelineError,
  EstimatorInputError,
};

export function serializeError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const out: SerializedError = { name: err.name, message: err.message, ...(err.stack !== undefined && { stack: err.stack }) };
  if (err instanceof ApplicationFailure) {
    out.name = 'ApplicationFailure';
    if (err.type !== undefined && err.type !== null) out.type = err.type;
    out.nonRetryable = err.nonRetryable === true;
  } else if (err instanceof TideflowError && !(err.name in CLASSES)) {
    // Another of our error classes: keep what decides the failure (its type and retryability).
    out.name = 'ApplicationFailure';
    out.type = err.type;
    out.nonRetryable = !err.retryable;
  }
  return out;
}

export function deserializeError(e: SerializedError): Error {
  if (e.name === 'ApplicationFailure') {
    return ApplicationFailure.create({
      message: e.message,
      nonRetryable: e.nonRetryable === true,
      ...(e.type !== undefined && { type: e.type }),
    });
  }
  const Cls = CLASSES[e.name];
  const err = Cls ? new Cls(e.message) : new Error(e.message);
  if (!Cls) err.name = e.name;
  if (e.stack !== undefined) err.stack = e.stack;
  return err;
}
