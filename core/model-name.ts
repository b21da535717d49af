/**
 * The model-name rule. A model name becomes an S3 key segment (registry, artifacts) and part of
 * workflow ids (the retraining controller), so one rule serves the DAG params
 * (dags/params/model-name.ts), the registry, the controller and the CLI.
 */

/** Without the no-'..' part (a regex in a DAG's params schema shows as a JSON-schema pattern). */
export const MODEL_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/** The rule in words, for error messages. */
export const MODEL_NAME_RULE = "1-100 letters, digits, _ . - starting with a letter or digit, no '..'";

export function isValidModelName(name: string): boolean {
  // '..' would read as a parent folder in some S3 tools and file-system mirrors.
  return MODEL_NAME_PATTERN.test(name) && !name.includes('..');
}
