/**
 * Finds (or builds) the Temporal CLI and MinIO binaries that the local stack runs, and the
 * docker-compose checker the tests run (infra/compose-check/, a Go program on compose-go).
 *
 * Order per binary: $TEMPORAL_BIN / $MINIO_BIN → the cache dir → PATH → `go install` into the cache.
 * The checker: $COMPOSE_CHECK_BIN → the cache dir (keyed by a hash of its sources) → `go build`.
 * Usable as a library (`provisionBinaries`, `provisionComposeCheck`) and as a CLI
 * (`tsx infra/provision.ts [--compose-check]`; `npm test` passes the flag).
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { MIN_GO_VERSION, MINIO, TEMPORAL, type BinarySpec } from './versions';
import { ensurePython3 } from './python';

export type Log = (line: string) => void;
export interface Binaries {
  temporal: string;
  minio: string;
}

const HEARTBEAT_MS = 15_000;
const defaultLog: Log = (line) => process.stderr.write(`${line}\n`);

/** `${TIDEFLOW_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/tideflow}` */
export function cacheRoot(): string {
  const explicit = process.env['TIDEFLOW_CACHE_DIR'];
  if (explicit) return path.resolve(explicit);
  const xdg = process.env['XDG_CACHE_HOME'] || path.join(os.homedir(), '.cache');
  return path.join(xdg, 'tideflow');
}

export function cachedBinaryPath(spec: BinarySpec): string {
  return path.join(cacheRoot(), 'bin', `${spec.name}-${spec.version}`, spec.name);
}

export async function provisionBinaries(log: Log = defaultLog): Promise<Binaries> {
  // Sequential on purpose: one Go build already uses every core; two at once only thrash.
  const temporal = await provisionBinary(TEMPORAL, log);
  const minio = await provisionBinary(MINIO, log);
  return { temporal, minio };
}

/** The binary an environment variable points at (resolved), undefined when unset; not executable is an error. */
function overrideFromEnv(envVar: string, what: string, otherwise: string): string | undefined {
  const override = process.env[envVar];
  if (!override) return undefined;
  const resolved = path.resolve(override);
  if (!isExecutableFile(resolved)) {
    throw new Error(`${envVar}=${override} is not an executable file. Point it at ${what}, or unset it to let Tideflow ${otherwise}.`);
  }
  return resolved;
}

/** One of the pinned binaries (versions.ts), found or built as provisionBinaries does. */
export async function provisionBinary(spec: BinarySpec, log: Log = defaultLog): Promise<string> {
  const override = overrideFromEnv(spec.envVar, `a ${spec.name} binary`, 'find or build one');
  if (override) return override;
  const cached = cachedBinaryPath(spec);
  if (isExecutableFile(cached)) return cached;

  const onPath = findOnPath(spec.name);
  if (onPath) {
    // Other tools also ship a `temporal` executable; only accept one that answers like the Temporal CLI.
    if (versionMatches(onPath, spec)) {
      log(`using ${spec.name} from PATH: ${onPath} (Tideflow pins ${spec.version}; set ${spec.envVar} to choose another)`);
      return onPath;
    }
    log(`ignoring ${onPath}: \`${spec.name} --version\` does not look like ${spec.name}`);
  }

  const go = findOnPath('go');
  if (!go) throw new Error(missingBinaryMessage(spec));
  warnIfOldGo(go, log);
  return buildWithGo(go, spec, log);
}

function missingBinaryMessage(spec: BinarySpec): string {
  const [major, minor] = MIN_GO_VERSION;
  return [
    `Cannot find the ${spec.name} binary (Tideflow pins ${spec.module}@${spec.version}). Fix one of:`,
    `  - install Go >= ${major}.${minor} (https://go.dev/dl/) and re-run; Tideflow then builds it once into ${cachedBinaryPath(spec)} (a few minutes);`,
    `  - set ${spec.envVar}=/path/to/${spec.name};`,
    `  - or skip local binaries and run everything in Docker: docker compose up (see docker-compose.yml).`,
  ].join('\n');
}

function isExecutableFile(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) return false;
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(name: string): string | null {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return null;
}

function versionMatches(bin: string, spec: BinarySpec): boolean {
  const result = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return result.status === 0 && spec.versionPattern.test(`${result.stdout}${result.stderr}`);
}

function warnIfOldGo(go: string, log: Log): void {
  const out = spawnSync(go, ['env', 'GOVERSION'], { encoding: 'utf8', timeout: 30_000 }).stdout ?? '';
  const match = /^go(\d+)\.(\d+)/.exec(out.trim());
  const [minMajor, minMinor] = MIN_GO_VERSION;
  if (!match) return;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major < minMajor || (major === minMajor && minor < minMinor)) {
    // Not fatal: with GOTOOLCHAIN=auto (the default) go fetches a newer toolchain by itself.
    log(`warning: ${out.trim()} is older than go${minMajor}.${minMinor}; the build relies on GOTOOLCHAIN to fetch a newer Go`);
  }
}

/**
 * One Go build into the cache: `args` run in `cwd` must leave the executable `name` in the
 * directory passed to them (a private temp dir), which is then renamed to `finalPath`.
 */
interface GoBuild {
  /** Executable name, in the temp dir and at finalPath. */
  readonly name: string;
  /** For messages: what is built, e.g. "temporal v1.5.1". */
  readonly what: string;
  readonly finalPath: string;
  readonly args: (outDir: string) => string[];
  readonly env?: (outDir: string) => Record<string, string>;
  readonly cwd?: string;
}

function goInstallBuild(spec: BinarySpec): GoBuild {
  return {
    name: spec.name,
    what: `${spec.name} ${spec.version}`,
    finalPath: cachedBinaryPath(spec),
    args: () => ['install', `${spec.module}@${spec.version}`],
    env: (outDir) => ({ GOBIN: outDir }),
  };
}

function buildWithGo(go: string, spec: BinarySpec, log: Log): Promise<string> {
  return runGoBuild(go, goInstallBuild(spec), log);
}

async function runGoBuild(go: string, build: GoBuild, log: Log): Promise<string> {
  const { finalPath } = build;
  const finalDir = path.dirname(finalPath);
  const binRoot = path.dirname(finalDir);
  fs.mkdirSync(binRoot, { recursive: true });

  const release = await acquireLock(`${finalDir}.lock`, () => isExecutableFile(finalPath), build.what, log);
  if (!release) return finalPath; // another process finished the build while we waited
  let tmpDir: string | null = null;
  try {
    if (isExecutableFile(finalPath)) return finalPath;
    removeLeftoverBuildDirs(binRoot, build.name);
    // Build into a private directory, then rename into place: an interrupted build never leaves a
    // half-written binary at the path everyone else trusts.
    tmpDir = fs.mkdtempSync(path.join(binRoot, `.build-${build.name}-`));
    const started = Date.now();
    log(`building ${build.what} with go (first run only; can take minutes)…`);
    await runGo(go, build, tmpDir, log);
    fs.mkdirSync(finalDir, { recursive: true });
    fs.renameSync(path.join(tmpDir, build.name), finalPath);
    log(`built ${finalPath} in ${formatElapsed(Date.now() - started)}`);
    return finalPath;
  } finally {
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
    release();
  }
}

/** Temp output dirs of builds that were killed (we hold the lock, so nobody else is using them). */
function removeLeftoverBuildDirs(binRoot: string, name: string): void {
  for (const entry of fs.readdirSync(binRoot)) {
    if (entry.startsWith(`.build-${name}-`)) fs.rmSync(path.join(binRoot, entry), { recursive: true, force: true });
  }
}

function runGo(go: string, build: GoBuild, outDir: string, log: Log): Promise<void> {
  const args = build.args(outDir);
  const started = Date.now();
  const recent: string[] = [];
  return new Promise((resolve, reject) => {
    const child = spawn(go, args, {
      env: { ...process.env, ...build.env?.(outDir) },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(build.cwd !== undefined && { cwd: build.cwd }),
    });
    // If we exit mid-build (Ctrl-C, crash), don't leave `go` running in the background.
    const killGo = (): void => {
      child.kill('SIGKILL');
    };
    process.on('exit', killGo);
    const onLine = (line: string): void => {
      recent.push(line);
      if (recent.length > 30) recent.shift();
      log(`[go ${build.name}] ${line}`);
    };
    readline.createInterface({ input: child.stdout }).on('line', onLine);
    readline.createInterface({ input: child.stderr }).on('line', onLine);
    const heartbeat = setInterval(() => log(`still building ${build.name} (${formatElapsed(Date.now() - started)})…`), HEARTBEAT_MS);
    child.on('error', (err) => {
      clearInterval(heartbeat);
      process.removeListener('exit', killGo);
      reject(new Error(`could not run ${go}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearInterval(heartbeat);
      process.removeListener('exit', killGo);
      if (code === 0) return resolve();
      const why = signal ? `killed by ${signal}` : `exit code ${code}`;
      reject(new Error(`go ${args.join(' ')} (building ${build.what}) failed (${why}). Last output:\n${recent.join('\n')}`));
    });
  });
}

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

/**
 * Exclusive lock via O_EXCL file creation, holding our pid. Returns a release function, or null
 * when `done()` became true while another live process held the lock (it built the binary).
 */
async function acquireLock(lockPath: string, done: () => boolean, what: string, log: Log): Promise<(() => void) | null> {
  const started = Date.now();
  let lastNote = 0;
  for (;;) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      const release = (): void => {
        process.removeListener('exit', release);
        fs.rmSync(lockPath, { force: true });
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if (!(err instanceof Error && 'code' in err && err.code === 'EEXIST')) throw err;
    }
    if (done()) return null;
    if (isStaleLock(lockPath)) {
      log(`removing stale lock ${lockPath}`);
      fs.rmSync(lockPath, { force: true });
      continue;
    }
    if (Date.now() - lastNote >= HEARTBEAT_MS) {
      log(`waiting for another process to finish building ${what} (${formatElapsed(Date.now() - started)}; lock ${lockPath})…`);
      lastNote = Date.now();
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function isStaleLock(lockPath: string): boolean {
  let content: string;
  let ageMs: number;
  try {
    content = fs.readFileSync(lockPath, 'utf8').trim();
    ageMs = Date.now() - fs.statSync(lockPath).mtimeMs;
  } catch {
    return false; // vanished: the next loop iteration will retry creating it
  }
  const pid = Number(content);
  // An empty lock is a holder that died between creating and writing it (give it 10 s).
  if (!content || !Number.isInteger(pid)) return ageMs > 10_000;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return err instanceof Error && 'code' in err && err.code === 'ESRCH';
  }
}

function formatElapsed(ms: number): string {
  const total = Math.round(ms / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return minutes > 0 ? `${minutes}m${String(seconds).padStart(2, '0')}s` : `${seconds}s`;
}

if (require.main === module) {
  // `--compose-check`: also the docker-compose checker (npm test; `npm start` does not need it).
  const withComposeCheck = process.argv.slice(2).includes('--compose-check');
  (async () => {
    const bins = await provisionBinaries();
    process.stdout.write(`temporal: ${bins.temporal}\nminio: ${bins.minio}\n`);
    if (withComposeCheck) process.stdout.write(`compose-check: ${await provisionComposeCheck()}\n`);
  })().then(
    () => {
      ensurePython3((line) => process.stderr.write(`provision: ${line}\n`));
    },
    (err: unknown) => {
      process.stderr.write(`provision: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
