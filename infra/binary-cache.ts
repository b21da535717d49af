/**
 * Where provisioned binaries live and how one is found: the cache dir, an environment variable
 * naming a binary, PATH. Shared by the pinned binaries (provision.ts) and the compose checker
 * (compose-check-build.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type Log = (line: string) => void;
export const defaultLog: Log = (line) => process.stderr.write(`${line}\n`);

/** `${TIDEFLOW_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/tideflow}` */
export function cacheRoot(): string {
  const explicit = process.env['TIDEFLOW_CACHE_DIR'];
  if (explicit) return path.resolve(explicit);
  const xdg = process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'tideflow');
}

/** The binary an environment variable points at (resolved), undefined when unset; not executable is an error. */
export function overrideFromEnv(envVar: string, what: string, otherwise: string): string | undefined {
  const override = process.env[envVar];
  if (!override) return undefined;
  const resolved = path.resolve(override);
  if (!isExecutableFile(resolved)) {
    throw new Error(`${envVar}=${override} is not an executable file. Point it at ${what}, or unset it to let Tideflow ${otherwise}.`);
  }
  return resolved;
}

export function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function findOnPath(name: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}
