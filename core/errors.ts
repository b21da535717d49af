/**
 * Tideflow's errors, by what a retry can do about them. Code anywhere (the ML library, storage,
 * activities) throws one of these; the task runner (activities/task-runner.ts) is the one place
 * that turns them into Temporal failures: `type` becomes the failure type users, alerts and tests
 * match on, `retryable` decides whether Temporal tries again.
 *
 * A subclass that sets its own `name` (FeaturePipelineError, EstimatorInputError, …) uses that
 * name as its failure type, so each family stays recognisable without a constant of its own.
 */

/** Every failure type Tideflow raises, in one place (the strings are stable: they appear in histories). */
export const FailureType = {
  // Bad input: the task's input, params or data. Never retried.
  InvalidInput: 'InvalidInput',
  InvalidCommandInput: 'InvalidCommandInput',
  InvalidCommandResult: 'InvalidCommandResult',
  CommandResultTooLarge: 'CommandResultTooLarge',
  CommandOutputMissing: 'CommandOutputMissing',
  UnknownPlaceholder: 'UnknownPlaceholder',
  InvalidKey: 'InvalidKey',
  InputMappingError: 'InputMappingError',
  InvalidSplit: 'InvalidSplit',
  InvalidTarget: 'InvalidTarget',
  TooFewRows: 'TooFewRows',
  TooFewClasses: 'TooFewClasses',
  MissingColumn: 'MissingColumn',
  InvalidInterval: 'InvalidInterval',
  InvalidSource: 'InvalidSource',
  InvalidSearchSpace: 'InvalidSearchSpace',
  InvalidDataSchema: 'InvalidDataSchema',
  InvalidTimestampColumn: 'InvalidTimestampColumn',
  InconsistentPartition: 'InconsistentPartition',
  UnsupportedFormat: 'UnsupportedFormat',
  UnparsableSource: 'UnparsableSource',
  EmptyDataset: 'EmptyDataset',
  EmptyPartition: 'EmptyPartition',
  DataValidationFailed: 'DataValidationFailed',
  BadPerformanceInput: 'BadPerformanceInput',
  BadBaseline: 'BadBaseline',
  NoBaseline: 'NoBaseline',
  FailedRegistration: 'FailedRegistration',
  SourceNotFound: 'SourceNotFound',
  ModelNotFound: 'ModelNotFound',
  InvalidRunInput: 'InvalidRunInput',
  InvalidParams: 'InvalidParams',
  InvalidBackfill: 'InvalidBackfill',
  // Artifacts: gone, or not what their reference says. Never retried (they stay so).
  MissingArtifact: 'MissingArtifact',
  InvalidArtifact: 'InvalidArtifact',
  MissingFanOutItem: 'MissingFanOutItem',
  // This worker's configuration or environment. Never retried (another worker may differ, but not this attempt's).
  ConfigError: 'ConfigError',
  UnknownTask: 'UnknownTask',
  UnknownDag: 'UnknownDag',
  ActivityMismatch: 'ActivityMismatch',
  MissingWorkerEnv: 'MissingWorkerEnv',
  CommandNotAllowed: 'CommandNotAllowed',
  CommandNotFound: 'CommandNotFound',
  CommandNotExecutable: 'CommandNotExecutable',
  // Transient: worth another attempt under the task's retry policy.
  Transient: 'Transient',
  CommandSpawnFailed: 'CommandSpawnFailed',
  CommandCancelled: 'CommandCancelled',
  // The run as a whole.
  DagRunFailed: 'DagRunFailed',
} as const;
export type FailureTypeName = (typeof FailureType)[keyof typeof FailureType];

export interface TideflowErrorOptions {
  /** The failure type, when more precise than the class's (e.g. 'InvalidSplit' for an InputError). */
  type?: FailureTypeName;
  /** Structured details Temporal carries with the failure (e.g. the anomalies that blocked a dataset). */
  details?: unknown[];
  cause?: unknown;
}

export abstract class TideflowError extends Error {
  /** Whether another attempt could succeed. */
  abstract readonly retryable: boolean;
  /** The failure type of the base class itself (a subclass with its own name uses that name). */
  protected abstract readonly baseType: FailureTypeName;
  protected abstract readonly baseName: string;
  private readonly explicitType: FailureTypeName | undefined;
  readonly details: readonly unknown[];

  constructor(message: string, options: TideflowErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.explicitType = options.type;
    this.details = options.details ?? [];
  }

  /** The Temporal failure type. */
  get type(): string {
    return this.explicitType ?? (this.name === this.baseName ? this.baseType : this.name);
  }

  /** Say where the error happened (`trial 3 (gbt): …`) without changing what it is. */
  locate(where: string): this {
    this.message = `${where}: ${this.message}`;
    return this;
  }
}

/**
 * One family of errors: its class name, the failure type it raises and whether Temporal retries
 * it. The four families below differ in nothing else.
 */
function errorFamily(baseName: string, baseType: FailureTypeName, retryable: boolean) {
  return class extends TideflowError {
    override name = baseName;
    readonly retryable = retryable;
    protected readonly baseType = baseType;
    protected readonly baseName = baseName;
  };
}

/** Bad input: params, task input, data or a user-supplied name. Retrying cannot fix it. */
export class InputError extends errorFamily('InputError', FailureType.InvalidInput, false) {}

/** An artifact that is missing, corrupted (its bytes no longer hash to its reference) or not in the expected format. */
export class ArtifactError extends errorFamily('ArtifactError', FailureType.InvalidArtifact, false) {}

/** This worker's configuration or environment does not allow the task (allow-lists, missing variables, unknown tasks). */
export class ConfigError extends errorFamily('ConfigError', FailureType.ConfigError, false) {}

/** A passing condition (a spawn that failed, a cancelled start): another attempt may succeed. */
export class TransientError extends errorFamily('TransientError', FailureType.Transient, true) {}

/** Prefix where an error happened to its message, when it is one of ours. */
export function locateError(err: unknown, where: string): unknown {
  if (err instanceof TideflowError) return err.locate(where);
  return err;
}
