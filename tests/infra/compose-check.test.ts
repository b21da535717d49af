/**
 * docker-compose.yml through compose-go, the Compose Specification's loader that `docker compose
 * config` runs (infra/compose-check: schema, interpolation, normalization, depends_on…), with no
 * Docker engine: the real file is accepted and its normalized model has what issue 14 asks of it.
 * Broken files are refused: compose-check-refusals.test.ts (the negative cases prove the checks can fail).
 * The scripts and Dockerfiles the services use are checked by tests/infra/docker-compose.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { alertEnv } from '../../alerts/main';
import { loadConfig } from '../../config/env';
import { LOW_LATENCY_DYNAMIC_CONFIG } from '../../infra/stack';
import { composeProblems, composeVariables, hostPathOf, type ComposeProject, type ComposeService } from '../../infra/compose-check';
import { provisionBinary } from '../../infra/provision';
import { MINIO, TEMPORAL, TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from '../../infra/versions';
import { serveSettings } from '../../serve/config';
import { mlQueueFromEnv } from '../../workers/ml-queue';
import { COMPOSE, ENV_EXAMPLE, ROOT, useComposeChecker } from './compose-checker';

/** The image infra/docker/Dockerfile builds: every Tideflow process runs it. */
const TIDEFLOW_IMAGE = 'tideflow/worker:local';

/** .env.example as a map (KEY=VALUE lines; no quoting is used in it). */
const envExample: Record<string, string> = Object.fromEntries(
  readFileSync(ENV_EXAMPLE, 'utf8')
    .split('\n')
    .filter((l) => /^[A-Z_][A-Z0-9_]*=/.test(l))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
);

const checker = useComposeChecker();
let project: ComposeProject;

const svc = (p: ComposeProject, name: string): ComposeService => {
  const s = p.services[name];
  if (s === undefined) throw new Error(`docker-compose.yml has no service '${name}'`);
  return s;
};
const env = (s: ComposeService): Record<string, string> =>
  Object.fromEntries(Object.entries(s.environment ?? {}).filter((e): e is [string, string] => e[1] !== null));

/** The Dockerfile's CMD: what a Tideflow service without `command` runs. */
const DOCKERFILE_CMD = JSON.parse(/^CMD (\[.*\])$/m.exec(readFileSync(join(ROOT, 'infra/docker/Dockerfile'), 'utf8'))?.[1] ?? 'null') as
  string[] | null;
const tideflowServices = (p: ComposeProject): [string, ComposeService][] =>
  Object.entries(p.services).filter(([, s]) => s.image === TIDEFLOW_IMAGE);
const commandOf = (s: ComposeService): string[] => s.command ?? (s.image === TIDEFLOW_IMAGE ? DOCKERFILE_CMD : null) ?? [];

beforeAll(async () => {
  project = await checker.loadOk({ files: [COMPOSE], envFiles: [ENV_EXAMPLE] });
}, 120_000);

describe('docker-compose.yml, loaded by compose-go with .env.example', () => {
  it('is valid (schema, interpolation, depends_on), with no warning and none of the problems compose-go leaves to `up`', () => {
    expect(project.name).toBe('tideflow');
    expect(Object.keys(project.services).sort()).toEqual([
      'minio',
      'minio-setup',
      'postgresql',
      'temporal',
      'temporal-schema',
      'temporal-setup',
      'temporal-ui',
      'tideflow-alerts',
      'tideflow-schedules',
      'tideflow-serve',
      'tideflow-worker',
    ]);
    expect(composeProblems(project)).toEqual([]);
  });

  it('pulls or builds every image: Tideflow processes run the one image the worker service builds', () => {
    const tideflow = tideflowServices(project).map(([name]) => name);
    expect(tideflow.sort()).toEqual(['tideflow-alerts', 'tideflow-schedules', 'tideflow-serve', 'tideflow-worker']);
    for (const [name, s] of tideflowServices(project)) {
      expect(s.build?.dockerfile, name).toBe('infra/docker/Dockerfile');
      expect(s.build?.context, name).toBe(ROOT);
      // The entry file each runs exists in the repo the image copies (WORKDIR /app).
      const entry = commandOf(s).find((a) => /\.(ts|js)$/.test(a));
      expect(entry, name).toBeDefined();
      expect(existsSync(join(ROOT, entry as string)), `${name} runs ${entry}`).toBe(true);
    }
    // Every image is either built here or pinned to a tag of a registry image.
    for (const [name, s] of Object.entries(project.services)) {
      expect(s.image, name).toBeDefined();
      if (s.build === undefined) expect(s.image, name).toMatch(/^(?!tideflow\/).+:[\w.-]+$/);
    }
  });

  it("every variable it interpolates is documented in .env.example, secrets are required, defaults are npm start's", async () => {
    const vars = await composeVariables({ files: [COMPOSE], envFiles: [ENV_EXAMPLE], bin: checker.bin });
    if (!vars.ok) throw new Error(vars.error);
    const names = vars.value.map((v) => v.name);
    expect(names.filter((n) => !(n in envExample))).toEqual([]);
    expect(Object.keys(envExample).filter((n) => !names.includes(n))).toEqual([]);
    const required = vars.value.filter((v) => v.required).map((v) => v.name);
    expect(required.sort()).toEqual(
      [
        'MINIO_ROOT_PASSWORD',
        'MINIO_ROOT_USER',
        'POSTGRES_PASSWORD',
        'TIDEFLOW_ALERT_TOKEN',
        'TIDEFLOW_S3_ACCESS_KEY',
        'TIDEFLOW_S3_SECRET_KEY',
        'TIDEFLOW_SERVE_TOKEN',
      ].sort(),
    );
    // The file's own defaults (nothing but the secrets set) are `npm start`'s (infra/start.ts).
    const p = await checker.loadOk({
      files: [COMPOSE],
      envFiles: [],
      env: Object.fromEntries(required.map((n) => [n, `${n}-value-0123456789`])),
    });
    const published = Object.fromEntries(
      Object.values(p.services).flatMap((s) => (s.ports ?? []).map((port) => [port.target, port.published])),
    );
    expect(published).toEqual({ 7233: '7233', 8080: '8233', 9000: '9000', 9001: '9001', 9095: '9095', 8090: '8090' });
    expect(env(svc(p, 'temporal-setup')).TIDEFLOW_RETENTION_DAYS).toBe('30');
    expect(env(svc(p, 'tideflow-worker')).TIDEFLOW_BUCKET).toBe('tideflow');
    // Host ports are published on loopback only.
    for (const s of Object.values(p.services)) for (const port of s.ports ?? []) expect(port.host_ip).toBe('127.0.0.1');
  });

  it('the Temporal server image with a schema job and a namespace job, not the deprecated auto-setup', () => {
    for (const s of Object.values(project.services)) expect(s.image ?? '').not.toMatch(/auto-setup/);
    const temporal = svc(project, 'temporal');
    expect(temporal.image).toBe(`temporalio/server:${TEMPORAL_SERVER_VERSION}`);
    expect(temporal.depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully', required: true } });
    expect(svc(project, 'temporal-schema').depends_on?.postgresql?.condition).toBe('service_healthy');
    expect(svc(project, 'temporal-setup').depends_on?.temporal?.condition).toBe('service_healthy');
    for (const job of ['temporal-schema', 'temporal-setup', 'minio-setup', 'tideflow-schedules'])
      expect(svc(project, job).restart, job).toBe('on-failure');
    // Everything that talks to Temporal waits for the namespace job.
    for (const name of ['temporal-ui', 'tideflow-worker', 'tideflow-alerts', 'tideflow-schedules'])
      expect(svc(project, name).depends_on?.['temporal-setup']?.condition, name).toBe('service_completed_successfully');
  });

  it('runs the Temporal server, UI, CLI and MinIO versions `npm start` provisions', async () => {
    expect(svc(project, 'temporal-ui').image).toBe(`temporalio/ui:${TEMPORAL_UI_VERSION}`);
    expect(svc(project, 'temporal-setup').build?.args?.TEMPORAL_CLI_VERSION).toBe(TEMPORAL.version);
    expect(svc(project, 'minio').build?.args?.MINIO_VERSION).toBe(MINIO.version);
    // infra/versions.ts's server and UI versions are those the provisioned CLI embeds…
    const temporal = await provisionBinary(TEMPORAL);
    const version = spawnSync(temporal, ['--version'], { encoding: 'utf8', timeout: 30_000 }).stdout;
    expect(version).toContain(`(Server ${TEMPORAL_SERVER_VERSION}, UI ${TEMPORAL_UI_VERSION})`);
    // …and the provisioned binaries were built from the module versions compose builds into its images.
    const moduleOf = (bin: string, module: string): string | undefined => {
      const info = spawnSync('go', ['version', '-m', bin], { encoding: 'utf8', timeout: 30_000 });
      if (info.error) throw new Error(`go version -m ${bin}: ${info.error.message}`);
      return new RegExp(`^\\s*mod\\s+${module.replace(/\./g, '\\.')}\\s+(\\S+)`, 'm').exec(info.stdout)?.[1];
    };
    expect(moduleOf(temporal, 'github.com/temporalio/cli')).toBe(svc(project, 'temporal-setup').build?.args?.TEMPORAL_CLI_VERSION);
    expect(moduleOf(await provisionBinary(MINIO), 'github.com/minio/minio')).toBe(svc(project, 'minio').build?.args?.MINIO_VERSION);
  }, 600_000);

  it('gives Tideflow processes the least-privilege S3 user; MinIO root credentials reach only MinIO and its setup job', async () => {
    const secrets = {
      ...envExample,
      MINIO_ROOT_USER: 'root-user-sentinel',
      MINIO_ROOT_PASSWORD: 'root-password-sentinel',
      TIDEFLOW_S3_ACCESS_KEY: 'app-key-sentinel',
      TIDEFLOW_S3_SECRET_KEY: 'app-secret-sentinel',
    };
    const p = await checker.loadOk({ files: [COMPOSE], envFiles: [], env: secrets });
    for (const [name, s] of Object.entries(p.services)) {
      const text = JSON.stringify(s);
      if (name === 'minio' || name === 'minio-setup') expect(text, name).toContain('root-password-sentinel');
      else expect(text, name).not.toMatch(/root-(user|password)-sentinel/);
    }
    for (const [name, s] of tideflowServices(p)) {
      expect(env(s).AWS_ACCESS_KEY_ID, name).toBe('app-key-sentinel');
      expect(env(s).AWS_SECRET_ACCESS_KEY, name).toBe('app-secret-sentinel');
      expect(env(s).AWS_ENDPOINT_URL_S3, name).toBe('http://minio:9000');
    }
    expect(env(svc(p, 'minio-setup')).TIDEFLOW_S3_ACCESS_KEY).toBe('app-key-sentinel');
    expect(envExample.TIDEFLOW_S3_ACCESS_KEY).not.toBe(envExample.MINIO_ROOT_USER);
  });

  it('each Tideflow process gets an environment its own configuration loader accepts', () => {
    for (const [name, s] of tideflowServices(project)) {
      const e = env(s);
      const config = loadConfig(e);
      // The prediction server reads only S3; every other process talks to the compose Temporal.
      if (name !== 'tideflow-serve') expect(config.temporal.connection.address, name).toBe('temporal:7233');
      expect(config.s3.endpoint, name).toBe('http://minio:9000');
      expect(config.s3.credentials?.accessKeyId, name).toBe(envExample.TIDEFLOW_S3_ACCESS_KEY);
    }
    expect(mlQueueFromEnv(env(svc(project, 'tideflow-worker'))).mlOnly).toBe(false);
    expect(alertEnv(env(svc(project, 'tideflow-alerts')))).toMatchObject({
      TIDEFLOW_ALERT_HOST: '0.0.0.0',
      TIDEFLOW_ALERT_PORT: 9095,
      token: envExample.TIDEFLOW_ALERT_TOKEN,
    });
    expect(serveSettings(env(svc(project, 'tideflow-serve'))).token).toBe(envExample.TIDEFLOW_SERVE_TOKEN);
  });

  it('runs the alert receiver and the prediction server, reachable and health-checked', () => {
    const alerts = svc(project, 'tideflow-alerts');
    expect(alerts.command).toEqual(['node_modules/.bin/tsx', 'alerts/main.ts']);
    expect(alerts.ports).toEqual([expect.objectContaining({ target: 9095, published: '9095', host_ip: '127.0.0.1' })]);
    expect(alerts.healthcheck?.test?.join(' ')).toContain('http://127.0.0.1:9095/alerts');
    const serve = svc(project, 'tideflow-serve');
    expect(serve.image).toBe(TIDEFLOW_IMAGE);
    expect(serve.command).toEqual(['node_modules/.bin/tsx', 'serve/main.ts']);
    expect(env(serve)).toMatchObject({ TIDEFLOW_SERVE_HOST: '0.0.0.0', TIDEFLOW_SERVE_PORT: '8090' });
    expect(serve.ports).toEqual([expect.objectContaining({ target: 8090, published: '8090', host_ip: '127.0.0.1' })]);
    expect(serve.healthcheck?.test?.join(' ')).toContain('http://127.0.0.1:8090/v2/health/ready');
    expect(serve.depends_on?.['minio-setup']?.condition).toBe('service_completed_successfully');
  });

  it('health-checks the worker by its polls (infra/docker/worker-health.ts), and the servers it waits on', () => {
    const worker = svc(project, 'tideflow-worker');
    expect(commandOf(worker)).toEqual(['node_modules/.bin/tsx', 'workers/main.ts']);
    expect(worker.healthcheck?.test).toEqual(['CMD', 'node_modules/.bin/tsx', 'infra/docker/worker-health.ts']);
    expect(existsSync(join(ROOT, 'infra/docker/worker-health.ts'))).toBe(true);
    for (const name of ['postgresql', 'temporal', 'minio', 'tideflow-worker', 'tideflow-alerts', 'tideflow-serve'])
      expect(svc(project, name).healthcheck?.test?.length ?? 0, name).toBeGreaterThan(1);
  });

  it('syncs the schedules in one job, not in every worker replica', () => {
    const syncers = Object.entries(project.services).filter(([, s]) => commandOf(s).join(' ').includes('schedules sync'));
    expect(syncers.map(([name]) => name)).toEqual(['tideflow-schedules']);
    const job = svc(project, 'tideflow-schedules');
    expect(job.restart).toBe('on-failure');
    expect(job.deploy?.replicas ?? 1).toBe(1);
    // Processes running the worker entry never sync at start (workers/main.ts syncs only with 'true').
    const workers = Object.entries(project.services).filter(([, s]) => commandOf(s).includes('workers/main.ts'));
    expect(workers.map(([name]) => name)).toEqual(['tideflow-worker']);
    for (const [name, s] of Object.entries(project.services)) expect(env(s).TIDEFLOW_SYNC_SCHEDULES, name).not.toBe('true');
    // …so the worker can be scaled (`docker compose up --scale tideflow-worker=3`): no fixed name, no host port.
    expect(svc(project, 'tideflow-worker')).not.toHaveProperty('container_name');
    expect(svc(project, 'tideflow-worker').ports ?? []).toEqual([]);
  });

  it('sets the namespace retention from TIDEFLOW_RETENTION_DAYS', async () => {
    expect(env(svc(project, 'temporal-setup')).TIDEFLOW_RETENTION_DAYS).toBe(envExample.TIDEFLOW_RETENTION_DAYS);
    const p = await checker.loadOk({ files: [COMPOSE], envFiles: [ENV_EXAMPLE], env: { TIDEFLOW_RETENTION_DAYS: '7' } });
    expect(env(svc(p, 'temporal-setup')).TIDEFLOW_RETENTION_DAYS).toBe('7');
    // The job runs the script that applies it (infra/docker/temporal-namespace.sh), mounted from the repo.
    const setup = svc(project, 'temporal-setup');
    const script = hostPathOf(setup, setup.entrypoint?.[1] ?? '');
    expect(script).toBe(join(ROOT, 'infra/docker/temporal-namespace.sh'));
    expect(readFileSync(script as string, 'utf8')).toContain('--retention "$RETENTION"');
  });

  it('gives the server the low-latency dynamic config of `npm start`, through the file it mounts', () => {
    const temporal = svc(project, 'temporal');
    const relative = env(temporal).DYNAMIC_CONFIG_FILE_PATH as string;
    // Relative to the server image's working directory, /etc/temporal.
    const file = hostPathOf(temporal, relative.startsWith('/') ? relative : `/etc/temporal/${relative}`);
    expect(file).toBe(join(ROOT, 'infra/docker/dynamicconfig/development.yaml'));
    const dynamic = parse(readFileSync(file as string, 'utf8')) as Record<string, { value: unknown }[]>;
    for (const kv of LOW_LATENCY_DYNAMIC_CONFIG) {
      const [key, json] = kv.split('=') as [string, string];
      expect(dynamic[key]?.[0]?.value, key).toEqual(JSON.parse(json));
    }
  });
});
