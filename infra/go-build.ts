/**
 * One Go build into the binary cache, safe against concurrent and interrupted builds: a lock file
 * per target (a second process waits, then uses the first one's result), a private temp output
 * dir renamed into place, progress lines while `go` is quiet, and `go` killed if we exit.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { isExecutableFile, type Log } from './binary-cache';

const HEARTBEAT_MS = 15_000;

/**
 * One Go build into the cache: `args` run in `cwd` must leave the executable `name` in the
 * directory passed to them (a private temp dir), which is then renamed to `finalPath`.
 */
export interface GoBuild {
  /** Executable name, in the temp dir and at finalPath. */
  readonly name: string;
  /** For messages: what is built, e.g. "temporal v1.5.1". */
  readonly what: string;
  readonly finalPath: string;
  readonly args: (outDir: string) => string[];
  readonly env?: (outDir: string) => Record<string, string>;
  readonly cwd?: string;
}

export async function runGoBuild(go: string, build: GoBuild, log: Log): Promise<string> {
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
