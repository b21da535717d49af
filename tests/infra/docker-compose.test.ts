/**
 * docker-compose.yml's structure (no Docker engine needed): the services and setup jobs, images
 * pinned to the versions `npm start` runs (infra/versions.ts), no MinIO root credentials in any
 * Tideflow process, healthchecks, schedule sync by one job, retention and the low-latency
 * dynamic config equal to `npm start`'s.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { LOW_LATENCY_DYNAMIC_CONFIG } from '../../infra/stack';
import {
  GO_BUILDER_IMAGE,
  MINIO,
  MINIO_CLIENT_IMAGE,
  TEMPORAL,
  TEMPORAL_ADMIN_TOOLS_TAG,
  TEMPORAL_CLI_IMAGE,
  TEMPORAL_SERVER_VERSION,
  TEMPORAL_UI_VERSION,
} from '../../infra/versions';
import { TIDEFLOW_SEARCH_ATTRIBUTES } from '../../core/search-attributes';

const ROOT = join(__dirname, '..', '..');
const read = (p: string): string => readFileSync(join(ROOT, p), 'utf8');

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  command?: string[];
  entrypoint?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  restart?: string;
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
const svc = (name: string): Service => {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service '${name}'`);
  return s;
};
/** Tideflow's own processes (built from infra/docker/Dockerfile); the serve block is another helper's. */
const TIDEFLOW = ['tideflow-worker', 'tideflow-alerts', 'tideflow-schedules'];

describe('docker-compose.yml', () => {
  it('has the Temporal server image with schema and namespace setup jobs, not the deprecated auto-setup', () => {
    expect(Object.values(services).map((s) => s.image ?? '')).not.toContainEqual(expect.stringContaining('auto-setup'));
    for (const name of ['postgresql', 'temporal-schema', 'temporal', 'temporal-setup', 'temporal-ui', 'minio', 'minio-setup', ...TIDEFLOW])
      svc(name);
    expect(svc('temporal').depends_on?.['temporal-schema']).toEqual({ condition: 'service_completed_successfully' });
    expect(svc('tideflow-worker').depends_on).toMatchObject({
      'temporal-setup': { condition: 'service_completed_successfully' },
      'minio-setup': { condition: 'service_completed_successfully' },
    });
    expect(read('infra/docker/temporal-schema.sh')).toMatch(/update-schema -d "\$SCHEMA\/visibility\/versioned"/);
  });

  it('depends only on services that exist; no Tideflow-built service holds MinIO root credentials', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const dep of Object.keys(s.depends_on ?? {})) expect(Object.keys(services), `${name} depends on ${dep}`).toContain(dep);
      if (s.build?.dockerfile === 'infra/docker/Dockerfile') expect(JSON.stringify(s.environment ?? {}), name).not.toContain('MINIO_ROOT');
    }
  });

  it('pins every image to the versions npm start runs (infra/versions.ts)', () => {
    expect(svc('temporal').image).toBe(`temporalio/server:${TEMPORAL_SERVER_VERSION}`);
    expect(svc('temporal-ui').image).toBe(`temporalio/ui:${TEMPORAL_UI_VERSION}`);
    expect(svc('temporal-schema').image).toBe(`temporalio/admin-tools:${TEMPORAL_ADMIN_TOOLS_TAG}`);
    // The setup job runs the CLI: npm start's version, built into the server's admin-tools image.
    const setup = svc('temporal-setup');
    expect(setup.image).toBe(TEMPORAL_CLI_IMAGE);
    expect(setup.build?.dockerfile).toBe('temporal-cli.Dockerfile');
    expect(setup.build?.args).toEqual({
      GO_IMAGE: GO_BUILDER_IMAGE,
      ADMIN_TOOLS_IMAGE: `temporalio/admin-tools:${TEMPORAL_ADMIN_TOOLS_TAG}`,
      TEMPORAL_CLI_VERSION: TEMPORAL.version,
    });
    expect(read('infra/docker/temporal-cli.Dockerfile')).toContain(
      'go install "github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}"',
    );
    expect(read('infra/docker/temporal-cli.Dockerfile')).toContain('COPY --from=build /go/bin/temporal /usr/local/bin/temporal');
    expect(TEMPORAL_ADMIN_TOOLS_TAG.startsWith(`${TEMPORAL_SERVER_VERSION}-`)).toBe(true);
    expect(svc('minio').build?.args?.MINIO_VERSION).toBe(MINIO.version);
    expect(svc('minio').build?.dockerfile).toBe('minio.Dockerfile');
    expect(read('infra/docker/minio.Dockerfile')).toContain('go install "github.com/minio/minio@${MINIO_VERSION}"');
    expect(svc('minio-setup').image).toBe(MINIO_CLIENT_IMAGE);
    for (const [name, s] of Object.entries(services))
      if (s.image !== undefined && s.build === undefined) expect(s.image, name).toMatch(/:[^:]*\d[^:]*$/); // a tag, never implicit latest
  });

  it('gives Tideflow processes the least-privilege S3 user, never MinIO root credentials', () => {
    for (const name of TIDEFLOW) {
      const env = svc(name).environment ?? {};
      expect(env.AWS_ACCESS_KEY_ID, name).toMatch(/^\$\{TIDEFLOW_S3_ACCESS_KEY[:?}]/);
      expect(env.AWS_SECRET_ACCESS_KEY, name).toMatch(/^\$\{TIDEFLOW_S3_SECRET_KEY[:?}]/);
      expect(JSON.stringify(env), name).not.toContain('MINIO_ROOT');
    }
    const setup = read('infra/docker/minio/setup.sh');
    expect(setup).toContain('mc admin user add tideflow "$TIDEFLOW_S3_ACCESS_KEY" "$TIDEFLOW_S3_SECRET_KEY"');
    expect(setup).toContain('mc admin policy attach tideflow tideflow-app --user "$TIDEFLOW_S3_ACCESS_KEY"');
    // The policy names the bucket only: no s3:* and no other bucket.
    const policy = JSON.parse(read('infra/docker/minio/worker-policy.json')) as { Statement: { Action: string[]; Resource: string[] }[] };
    for (const st of policy.Statement) {
      expect(st.Action.every((a) => a.startsWith('s3:') && !a.includes('*'))).toBe(true);
      expect(st.Resource.every((r) => r === 'arn:aws:s3:::TIDEFLOW_BUCKET' || r === 'arn:aws:s3:::TIDEFLOW_BUCKET/*')).toBe(true);
    }
  });

  it('has healthchecks, and syncs schedules in one job rather than in every worker replica', () => {
    for (const name of ['postgresql', 'temporal', 'minio', 'tideflow-worker', 'tideflow-alerts'])
      expect(svc(name).healthcheck?.test.length, name).toBeGreaterThan(0);
    expect(svc('tideflow-worker').healthcheck?.test).toContain('infra/docker/worker-health.ts');
    expect(svc('tideflow-schedules').command).toEqual(['node', 'bin/tideflow.js', 'schedules', 'sync']);
    expect(svc('tideflow-worker').environment?.TIDEFLOW_SYNC_SCHEDULES).toBe('false');
  });

  it('runs the alert receiver, listening on all interfaces, with a required token', () => {
    const alerts = svc('tideflow-alerts');
    expect(alerts.command).toEqual(['node_modules/.bin/tsx', 'alerts/main.ts']);
    expect(alerts.environment?.TIDEFLOW_ALERT_HOST).toBe('0.0.0.0');
    expect(alerts.environment?.TIDEFLOW_ALERT_TOKEN).toMatch(/^\$\{TIDEFLOW_ALERT_TOKEN:\?/);
  });

  it('sets the namespace retention (default 30 days, as npm start) and the search attributes', () => {
    expect(svc('temporal-setup').environment?.TIDEFLOW_RETENTION_DAYS).toBe('${TIDEFLOW_RETENTION_DAYS:-30}');
    const script = read('infra/docker/temporal-namespace.sh');
    expect(script).toMatch(/namespace create --namespace "\$TEMPORAL_NAMESPACE" --retention "\$RETENTION"/);
    expect(script).toMatch(/namespace update --namespace "\$TEMPORAL_NAMESPACE" --retention "\$RETENTION"/);
    for (const a of TIDEFLOW_SEARCH_ATTRIBUTES) expect(script).toContain(`${a.name}=${a.type}`);
  });

  it("gives the server the same low-latency dynamic config as npm start's dev server", () => {
    expect(svc('temporal').environment?.DYNAMIC_CONFIG_FILE_PATH).toBe('config/dynamicconfig/development.yaml');
    const dynamic = parse(read('infra/docker/dynamicconfig/development.yaml')) as Record<string, { value: unknown }[]>;
    for (const kv of LOW_LATENCY_DYNAMIC_CONFIG) {
      const [key, json] = kv.split('=') as [string, string];
      expect(dynamic[key]?.[0]?.value, key).toEqual(JSON.parse(json));
    }
  });
});
