/**
 * The docker-compose checker the tests run (infra/compose-check/, a Go program on compose-go):
 * $COMPOSE_CHECK_BIN, else the cached build of its current sources (keyed by their hash), else
 * `go build` into the cache.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheRoot, defaultLog, findOnPath, isExecutableFile, overrideFromEnv, type Log } from './binary-cache';
import { runGoBuild } from './go-build';
import { MIN_GO_VERSION } from './versions';

/** The docker-compose checker's Go sources (infra/compose-check/: go.mod, go.sum, main.go). */
export const COMPOSE_CHECK_DIR = path.join(__dirname, 'compose-check');
const COMPOSE_CHECK = 'compose-check';

/**
 * First 12 hex digits of a sha256 over the checker's source files (names and contents): any
 * change to its code or its pinned modules gives a new cache entry, so a stale build is never used.
 */
export function composeCheckSourceHash(dir: string = COMPOSE_CHECK_DIR): string {
  const hash = createHash('sha256');
  const files = fs
    .readdirSync(dir)
    .filter((f) => f === 'go.mod' || f === 'go.sum' || f.endsWith('.go'))
    .sort();
  if (!files.includes('go.mod')) throw new Error(`${dir} has no go.mod: is the compose checker's source missing?`);
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(fs.readFileSync(path.join(dir, file)));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 12);
}

/** `<cache>/bin/compose-check-<source hash>/compose-check` */
export function cachedComposeCheckPath(hash: string = composeCheckSourceHash()): string {
  return path.join(cacheRoot(), 'bin', `${COMPOSE_CHECK}-${hash}`, COMPOSE_CHECK);
}

/**
 * The docker-compose checker: $COMPOSE_CHECK_BIN, else the cached build of the current sources,
 * else `go build` of infra/compose-check into the cache (modules from the Go module cache or
 * proxy, verified against the committed go.sum).
 */
export async function provisionComposeCheck(log: Log = defaultLog): Promise<string> {
  const override = overrideFromEnv('COMPOSE_CHECK_BIN', 'a build of infra/compose-check', 'build one');
  if (override) return override;
  const hash = composeCheckSourceHash();
  const cached = cachedComposeCheckPath(hash);
  if (isExecutableFile(cached)) return cached;
  const go = findOnPath('go');
  if (!go) {
    throw new Error(
      [
        `Cannot build the docker-compose checker (infra/compose-check, a Go program on compose-go): no \`go\` on PATH. Fix one of:`,
        `  - install Go >= ${MIN_GO_VERSION.join('.')} (https://go.dev/dl/) and re-run; it is built once into ${cached};`,
        `  - set COMPOSE_CHECK_BIN=/path/to/compose-check (built with \`go build\` in infra/compose-check).`,
      ].join('\n'),
    );
  }
  return runGoBuild(
    go,
    {
      name: COMPOSE_CHECK,
      what: `${COMPOSE_CHECK} (sources ${hash})`,
      finalPath: cached,
      cwd: COMPOSE_CHECK_DIR,
      // -mod=readonly: the committed go.mod/go.sum are used as they are, never rewritten.
      args: (outDir) => ['build', '-mod=readonly', '-trimpath', '-o', path.join(outDir, COMPOSE_CHECK), '.'],
    },
    log,
  );
}
