#!/usr/bin/env node
/**
 * Entry point of `npm start`, `npm test` and `npm run bench`:
 *   1. installs the locked dependencies when node_modules is missing or older than package-lock.json
 *      (`npm install --no-save`, not `npm ci`: a registry that lacks other platforms' optional
 *      packages, such as @swc/core's darwin builds, yields a lock `npm ci` refuses);
 *   2. provisions the Temporal CLI and MinIO binaries (infra/provision.ts), and for `test` the
 *      docker-compose checker too (infra/compose-check, built from source with Go);
 *   3. runs the command: start → infra/start.ts; test → typecheck + lint + vitest run; bench → bench/main.ts.
 * Plain CommonJS with no dependencies, because it runs before anything is installed.
 */
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const USAGE = 'usage: node infra/bootstrap.cjs <start|test|bench> [-- extra args]';

const log = (line) => process.stderr.write(`[bootstrap] ${line}\n`);

/** @type {import('node:child_process').ChildProcess | null} */
let current = null;
let lastForward = { signal: '', at: 0 };

// Ctrl-C reaches us twice (from the terminal and from npm) and children run in their own process
// group (see run()), so we forward each signal once; repeats within a second are the same keypress.
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.on(signal, () => {
    const now = Date.now();
    if (lastForward.signal === signal && now - lastForward.at < 1000) return;
    lastForward = { signal, at: now };
    if (current && current.exitCode === null && current.signalCode === null) current.kill(signal);
    else process.exit(128 + (os.constants.signals[signal] || 0));
  });
}

/**
 * Runs a command with inherited stdio and resolves with its exit code (128+n when killed by signal n).
 * `ownGroup` puts it in its own process group, so a terminal Ctrl-C reaches it only through us,
 * exactly once; that lets infra/start.ts stop the worker, Temporal and MinIO in order.
 */
function run(command, args, { ownGroup = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', detached: ownGroup });
    current = child;
    child.on('error', (err) => {
      log(`could not run ${command}: ${err.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      current = null;
      resolve(code !== null ? code : 128 + (os.constants.signals[signal] || 0));
    });
  });
}

function mtimeMs(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

/** npm writes node_modules/.package-lock.json on every install; older than the lockfile = stale. */
function needsInstall() {
  const installed = mtimeMs(path.join(ROOT, 'node_modules', '.package-lock.json'));
  const lock = mtimeMs(path.join(ROOT, 'package-lock.json'));
  if (installed === null) return 'node_modules is missing';
  if (lock !== null && installed < lock) return 'node_modules is older than package-lock.json';
  return null;
}

/** Absolute path of a package's bin script, run with this same node binary (no PATH or shebang games). */
function binScript(pkg, binName) {
  const pkgJson = path.join(ROOT, 'node_modules', pkg, 'package.json');
  const meta = JSON.parse(fs.readFileSync(pkgJson, 'utf8'));
  const rel = typeof meta.bin === 'string' ? meta.bin : meta.bin[binName];
  return path.join(path.dirname(pkgJson), rel);
}

// The AWS SDK warns on every start that *future* releases will need Node 22; the pinned one
// supports Node 20, so the warning is noise in every child process.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const extra = rest[0] === '--' ? rest.slice(1) : rest;
  if (!['start', 'test', 'bench'].includes(command)) {
    log(USAGE);
    return 2;
  }
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // glibc's malloc backs large allocations (typed arrays) with transparent huge pages, as numpy
  // does for its arrays. Every child inherits it. On this project's VMs a first touch of fresh
  // 4 KB pages costs ~4 ms of CPU per MB: the flights pipeline's 1.5M × 6 feature matrix (71 MB)
  // took 300 ms to fill, 35 ms with huge pages. An environment that sets GLIBC_TUNABLES keeps its own.
  process.env.GLIBC_TUNABLES ??= 'glibc.malloc.hugetlb=1';

  const reason = needsInstall();
  if (reason) {
    log(`${reason}: running npm install --no-save (locked versions)`);
    // onnxruntime-node ships its CPU binaries in the package; its install script would try to
    // download GPU builds from outside the npm registry, which this project never needs.
    process.env.ONNXRUNTIME_NODE_INSTALL ??= 'skip';
    const code = await run(npm, ['install', '--no-save', '--no-audit', '--no-fund']);
    if (code !== 0) {
      log(`npm install failed (exit ${code})`);
      return code;
    }
  }

  const tsx = binScript('tsx', 'tsx');
  if (command === 'test') {
    // Typecheck first: it fails in seconds, while provisioning may build binaries for minutes.
    log('npm run typecheck');
    const code = await run(npm, ['run', '--silent', 'typecheck']);
    if (code !== 0) {
      log(`typecheck failed (exit ${code})`);
      return code;
    }
    // Then the layer rules (dependency-cruiser), ESLint and Prettier: seconds, and a layering
    // mistake is cheaper to see here than in review.
    log('npm run lint');
    const linted = await run(npm, ['run', '--silent', 'lint']);
    if (linted !== 0) {
      log(`lint failed (exit ${linted}); 'npm run format' fixes formatting`);
      return linted;
    }
  }

  // `test` also needs the docker-compose checker (tests/infra/compose-check.test.ts): built here,
  // once per change of its sources, so no test waits minutes on a Go build.
  const provisionArgs = command === 'test' ? ['infra/provision.ts', '--compose-check'] : ['infra/provision.ts'];
  const provisioned = await run(process.execPath, [tsx, ...provisionArgs]);
  if (provisioned !== 0) return provisioned;
  // The prediction server's prebuilt bundle (seconds, once per source change); without it
  // `tideflow serve` still works, compiling from source, so a failure here is only reported.
  await run(process.execPath, [tsx, 'infra/serve-bundle.ts']);

  switch (command) {
    case 'start':
      return run(process.execPath, [tsx, 'infra/start.ts', ...extra], { ownGroup: true });
    case 'test': {
      log(`vitest run ${extra.join(' ')}`.trim());
      // A JSON report beside the usual output, to end with one plain 'N passed, N failed' line
      // that any CI can read.
      const report = path.join(os.tmpdir(), `tideflow-vitest-${process.pid}.json`);
      const args = ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra];
      const code = await run(process.execPath, [binScript('vitest', 'vitest'), ...args], { ownGroup: true });
      printTestTotals(report);
      return code;
    }
    default:
      return run(process.execPath, [tsx, 'bench/main.ts', ...extra], { ownGroup: true });
  }
}

/** 'Tests: 240 passed, 0 failed, 2 skipped' from vitest's JSON report, if it wrote one. */
function printTestTotals(report) {
  try {
    const r = JSON.parse(fs.readFileSync(report, 'utf8'));
    const skipped = (r.numPendingTests || 0) + (r.numTodoTests || 0);
    console.log(`Tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
    fs.rmSync(report, { force: true });
  } catch {
    // No report (vitest did not get that far): its own output and exit code say why.
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log(err instanceof Error ? err.stack || err.message : String(err));
    process.exit(1);
  },
);
