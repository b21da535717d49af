/**
 * Where local file sources may be read from (issue 14.6): `TIDEFLOW_FILE_ROOTS`, directories
 * separated by the platform's path delimiter (':' on Linux and macOS), relative ones resolved
 * against the working directory; `none` (or empty) allows no local files at all. Unset: the
 * working directory's `data/` folder only. The data directory of `npm start`
 * (`TIDEFLOW_DATA_DIR`, default `.tideflow`: credentials, tokens, MinIO's and Temporal's files)
 * is never readable, even inside a root.
 */
import * as path from 'node:path';

export const DEFAULT_FILE_ROOT = 'data';

export interface FileRoots {
  /** Absolute, normalised; empty: local files are refused. */
  roots: string[];
  /** Absolute, normalised: refused whatever the roots say. */
  denied: string[];
}

export function fileRootsFrom(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): FileRoots {
  const raw = env.TIDEFLOW_FILE_ROOTS;
  const entries =
    raw === undefined
      ? [DEFAULT_FILE_ROOT]
      : raw.trim() === '' || raw.trim() === 'none'
        ? []
        : raw
            .split(path.delimiter)
            .map((r) => r.trim())
            .filter((r) => r !== '');
  return {
    roots: [...new Set(entries.map((r) => path.resolve(cwd, r)))],
    denied: [path.resolve(cwd, env.TIDEFLOW_DATA_DIR ?? '.tideflow')],
  };
}

/** `dir` itself or anything below it (both absolute and normalised). */
export function isWithin(file: string, dir: string): boolean {
  if (file === dir) return true;
  const rel = path.relative(dir, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}
