/**
 * Finds (or builds) the Temporal CLI and MinIO binaries that the local stack runs.
 *
 * Order per binary: $TEMPORAL_BIN / $MINIO_BIN → the cache dir → PATH → `go install` into the cache.
 * Usable as a library (`provisionBinaries`) and as a CLI (`tsx infra/provision.ts [--compose-check]`;
 * `npm test` passes the flag to also get the docker-compose checker, see compose-check-build.ts).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { cacheRoot, defaultLog, findOnPath, isExecutableFile, overrideFromEnv, type Log } from './binary-cache';
import { provisionComposeCheck } from './compose-check-build';
import { runGoBuild, type GoBuild } from './go-build';
import { MIN_GO_VERSION, MINIO, TEMPORAL, type BinarySpec } from './versions';
import { ensurePython3 } from './python';

export interface Binaries {
  temporal: string;
  minio: string;
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
