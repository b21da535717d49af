/**
 * How a request names a model: `name` (the default alias, champion), `name@alias`, or
 * `name/versions/N` (also accepted: a separate version number). Model names cannot contain '@'
 * or '/' (core/model-name.ts), so the forms are unambiguous.
 */
import { isValidModelName, MODEL_NAME_RULE } from '../core/model-name';
import { badRequest } from './errors';

export type ModelRef = { name: string; alias: string; version?: undefined } | { name: string; version: number; alias?: undefined };

const ALIAS = /^[\w-]{1,255}$/;

export function refText(ref: ModelRef): string {
  return ref.version !== undefined ? `${ref.name}/versions/${ref.version}` : `${ref.name}@${ref.alias}`;
}

function versionNumber(text: string, ofWhat: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1)
    throw badRequest(`${ofWhat}: version must be a positive integer, got '${text}'`);
  return n;
}

/** Parse `name`, `name@alias` or `name/versions/N`; `version` (a query or path part) pins a number. */
export function parseModelRef(text: string, defaultAlias: string, version?: string): ModelRef {
  let name = text;
  let alias: string | undefined;
  let pinned = version;
  const slash = /^(.*)\/versions\/([^/]*)$/.exec(text);
  if (slash) {
    name = slash[1] as string;
    pinned = slash[2] as string;
  } else if (text.includes('@')) {
    const at = text.indexOf('@');
    name = text.slice(0, at);
    alias = text.slice(at + 1);
    if (!ALIAS.test(alias)) throw badRequest(`model '${text}': invalid alias '${alias}' (1-255 letters, digits, _ or -)`);
  }
  if (!isValidModelName(name)) throw badRequest(`invalid model name ${JSON.stringify(name)}: ${MODEL_NAME_RULE}`);
  if (pinned !== undefined) {
    if (alias !== undefined) throw badRequest(`model '${text}': give an alias or a version, not both`);
    return { name, version: versionNumber(pinned, `model '${name}'`) };
  }
  return { name, alias: alias ?? defaultAlias };
}
