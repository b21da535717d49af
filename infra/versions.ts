/**
 * Pinned versions of the native binaries Tideflow runs locally. This is the only place they are
 * written down: provisioning, the cache layout and error messages all read from here.
 *
 * Both are built from source with `go install module@version` because neither project publishes
 * downloadable binaries we can rely on (see docs / toolchain notes). The Temporal CLI v1.5.1
 * embeds Temporal Server 1.29.1 and UI 2.42.1; v1.6.0+ carries a `replace` directive that
 * `go install pkg@version` refuses, so do not bump it past v1.5.x without changing the build.
 */
export interface BinarySpec {
  /** Executable name, also the name looked up on PATH. */
  readonly name: 'temporal' | 'minio';
  /** Go package path passed to `go install`. */
  readonly module: string;
  readonly version: string;
  /** Environment variable that overrides the binary's location. */
  readonly envVar: 'TEMPORAL_BIN' | 'MINIO_BIN';
  /** A line of `<bin> --version` output must match this for a PATH binary to be accepted: `<name> version …`. */
  readonly versionPattern: RegExp;
}

function binary(name: BinarySpec['name'], module: string, version: string, envVar: BinarySpec['envVar']): BinarySpec {
  return { name, module, version, envVar, versionPattern: new RegExp(`^${name} version `, 'm') };
}

export const TEMPORAL = binary('temporal', 'github.com/temporalio/cli/cmd/temporal', 'v1.5.1', 'TEMPORAL_BIN');

export const MINIO = binary('minio', 'github.com/minio/minio', 'v0.0.0-20260212201848-7aac2a2c5b7c', 'MINIO_BIN');

/** Temporal CLI v1.5.1's go.mod requires Go 1.25. */
export const MIN_GO_VERSION: readonly [major: number, minor: number] = [1, 25];

/**
 * What the Temporal CLI above runs as `temporal server start-dev` (`temporal --version` of the
 * v1.5.1 build: "Server 1.29.1, UI 2.42.1"). docker-compose.yml runs the same server and UI
 * images, so `npm start` and `docker compose up` behave alike; a unit test keeps them in step.
 */
export const TEMPORAL_SERVER_VERSION = '1.29.1';
export const TEMPORAL_UI_VERSION = '2.42.1';
/**
 * The admin-tools image for that server (temporal-sql-tool for the schema, the CLI for the
 * namespace and search attributes). Its tag names the CLI it bundles; the 1.29.1 build bundles
 * 1.5.0, and no admin-tools image pairs server 1.29.1 with CLI 1.5.1. docker-compose's schema job
 * uses it as is (it runs only temporal-sql-tool); the setup job, which runs the CLI, uses
 * TEMPORAL_CLI_IMAGE: this image with TEMPORAL.version built in (infra/docker/temporal-cli.Dockerfile).
 */
export const TEMPORAL_ADMIN_TOOLS_TAG = `${TEMPORAL_SERVER_VERSION}-tctl-1.18.4-cli-1.5.0`;
/** docker-compose's name for the admin-tools image with `npm start`'s CLI (built, never pulled). */
export const TEMPORAL_CLI_IMAGE = `tideflow/temporal-admin-tools:${TEMPORAL_SERVER_VERSION}-cli-${TEMPORAL.version}`;
/**
 * MinIO for docker-compose: built from the same module version as `npm start`'s (MINIO.version)
 * by infra/docker/minio.Dockerfile, since MinIO no longer publishes images of current releases.
 * The `mc` client of the setup job is a separate tool; its image is pinned here.
 */
export const MINIO_CLIENT_IMAGE = 'quay.io/minio/mc:RELEASE.2025-08-13T08-35-41Z';
/** Go toolchain image that builds MinIO for docker-compose (MIN_GO_VERSION or later). */
export const GO_BUILDER_IMAGE = 'golang:1.25-bookworm';
