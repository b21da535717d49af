/**
 * The one gate for local file sources (ingest's `source`, partition folders, lookback windows):
 * a `file://` URL or path is decoded and normalised (`..`, percent-encoding), its symlinks are
 * resolved, and the real path must lie inside a configured root (config/file-roots.ts) and
 * outside the data directory. Readers then use the real path they were given back, so a symlink
 * swapped in after the check is not followed to somewhere else.
 */
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../core/errors';
import { fileRootsFrom, isWithin } from '../../config/file-roots';

/** A local path outside TIDEFLOW_FILE_ROOTS (or inside the data directory): bad input, never retried. */
export class SourceNotAllowed extends InputError {
  override name = 'SourceNotAllowed';
}

/** The path a `file://` URL or a plain path names, made absolute; percent-encoding only means something in URLs. */
function lexicalPath(source: string): string {
  if (!source.startsWith('file://')) return path.resolve(source);
  try {
    return fileURLToPath(source);
  } catch (err) {
    throw new SourceNotAllowed(
      `source ${JSON.stringify(source)} is not a usable file:// URL: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** The real path of `p`: its symlinks resolved; for a path that does not exist (yet), its deepest existing ancestor's. */
async function realPathOf(p: string): Promise<string> {
  const rest: string[] = [];
  for (let at = p; ;) {
    try {
      return path.join(await realpath(at), ...rest.reverse());
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
      const up = path.dirname(at);
      if (up === at) return p;
      rest.push(path.basename(at));
      at = up;
    }
  }
}

async function realRoots(dirs: readonly string[]): Promise<string[]> {
  return Promise.all(dirs.map(realPathOf));
}

/**
 * The real path to read for a local source, or SourceNotAllowed naming the path and the roots.
 * `env` is the worker's environment (a parameter so tests can pass their own).
 */
export async function confinedLocalPath(source: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const { roots, denied } = fileRootsFrom(env);
  const asked = lexicalPath(source);
  const real = await realPathOf(asked);
  const shown = real === asked ? asked : `${asked} (really ${real})`;
  const [allowed, refused] = await Promise.all([realRoots(roots), realRoots(denied)]);
  const rootsText = roots.length > 0 ? roots.join(path.delimiter) : 'none';
  for (const d of refused)
    if (isWithin(real, d) || isWithin(asked, d))
      throw new SourceNotAllowed(`local source ${shown} is inside the data directory ${d}, which is never readable`);
  if (!allowed.some((r) => isWithin(real, r)))
    throw new SourceNotAllowed(
      `local source ${shown} is outside the allowed file roots (TIDEFLOW_FILE_ROOTS=${rootsText}); ` +
        'move the data under a root, add its directory to TIDEFLOW_FILE_ROOTS, or read it from s3://',
    );
  return real;
}
