/** Name rules: model names become S3 key segments; alias names follow MLflow. */
import { isValidModelName, MODEL_NAME_RULE } from '../core/model-name';
import { RegistryError } from './types';

const ALIAS = /^[\w-]*$/;

export function validateModelName(name: string): string {
  if (!isValidModelName(name)) {
    throw new RegistryError(`invalid model name ${JSON.stringify(name)}: ${MODEL_NAME_RULE}`);
  }
  return name;
}

/** MLflow: `^[\w\-]*$`, at most 255 characters, `latest` and `v<digits>` reserved (they name versions). */
export function validateAliasName(alias: string): string {
  if (alias.length === 0 || alias.length > 255 || !ALIAS.test(alias)) {
    throw new RegistryError(`invalid alias ${JSON.stringify(alias)}: 1-255 letters, digits, _ or -`);
  }
  if (/^latest$/i.test(alias) || /^v\d+$/i.test(alias)) {
    throw new RegistryError(`alias ${JSON.stringify(alias)} is reserved ('latest' and 'v<number>' refer to versions)`);
  }
  return alias;
}

export function validateVersionNumber(version: number): number {
  if (!Number.isSafeInteger(version) || version < 1) throw new RegistryError(`invalid version ${String(version)}: a positive integer`);
  return version;
}
