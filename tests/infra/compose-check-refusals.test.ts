/**
 * compose-check (infra/compose-check, compose-go) refuses broken compose files — unknown
 * dependencies, cycles, bad interpolation, missing required variables, invalid keys — treats
 * warnings as errors in strict mode, and composeProblems names what the loader accepts but
 * `docker compose up` would get wrong. The real docker-compose.yml: compose-check.test.ts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeProblems } from '../../infra/compose-check';
import { COMPOSE, useComposeChecker } from './compose-checker';

const checker = useComposeChecker();
const { load, loadText } = checker;

describe('compose-check refuses broken files', () => {
  const ok = 'services:\n  a:\n    image: busybox:1.36\n';

  it('accepts a minimal valid file (so the refusals below are about the defect)', async () => {
    const r = await loadText('minimal', ok);
    expect(r.ok).toBe(true);
  });

  it('a depends_on naming an unknown service', async () => {
    const r = await loadText('unknown-dep', `${ok}    depends_on: [postgress]\n`);
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('depends on undefined service "postgress"') });
  });

  it('a dependency cycle', async () => {
    const r = await loadText('cycle', `${ok}    depends_on: [b]\n  b:\n    image: busybox:1.36\n    depends_on: [a]\n`);
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('dependency cycle detected') });
  });

  it('bad interpolation syntax', async () => {
    const r = await loadText('bad-interpolation', 'services:\n  a:\n    image: "busybox:${TAG"\n');
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('invalid interpolation format for services.a.image') });
  });

  it("a required variable left unset, with the file's message", async () => {
    const r = await loadText(
      'required',
      'services:\n  a:\n    image: busybox:1.36\n    environment:\n      T: ${TOKEN:?set TOKEN in .env}\n',
    );
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('required variable TOKEN is missing a value: set TOKEN in .env') });
    expect(await loadText('required', readFileSync(join(checker.tmp, 'required.yml'), 'utf8'), { env: { TOKEN: 'x' } })).toMatchObject({
      ok: true,
    });
  });

  it('the real file without its env file: the first missing secret is named', async () => {
    const r = await load({ files: [COMPOSE], envFiles: [], env: {} });
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/required variable \w+ is missing a value: set \w+ in \.env/) });
  });

  it('an invalid key, and a value of the wrong shape', async () => {
    expect(await loadText('bad-key', 'services:\n  a:\n    imagee: busybox:1.36\n')).toMatchObject({
      ok: false,
      error: expect.stringContaining('services.a.imagee'),
    });
    expect(await loadText('bad-port', `${ok}    ports: ['not-a-port']\n`)).toMatchObject({
      ok: false,
      error: expect.stringContaining('not-a-port'),
    });
  });

  it('a service with neither image nor build', async () => {
    const r = await loadText('no-image', "services:\n  a:\n    command: ['true']\n");
    expect(r).toMatchObject({ ok: false, error: expect.stringContaining('neither an image nor a build context') });
  });

  it('warnings are errors in strict mode (the default), and reported otherwise', async () => {
    const obsolete = `version: '3.8'\n${ok}`;
    expect(await loadText('version', obsolete)).toMatchObject({ ok: false, warnings: [expect.stringContaining('`version` is obsolete')] });
    expect(await loadText('version', obsolete, { strict: false })).toMatchObject({
      ok: true,
      warnings: [expect.stringContaining('obsolete')],
    });
  });

  it('composeProblems: what the loader accepts but `docker compose up` would get wrong', async () => {
    const r = await loadText(
      'problems',
      [
        'name: problems',
        'services:',
        '  builder:',
        '    build: .',
        '    image: tideflow/app:local',
        '    ports: ["127.0.0.1:8080:80"]',
        '  unnamed:', // the tideflow-serve bug: a build without an image name
        '    build: .',
        '  orphan:', // a local image nobody builds
        '    image: tideflow/other:local',
        '    depends_on:',
        '      plain: {condition: service_healthy}', // no healthcheck to wait for
        '      daemon: {condition: service_completed_successfully}', // never completes
        '    volumes: ["./missing-dir:/x", ".:/setup:ro"]',
        "    entrypoint: ['/bin/sh', '/setup/missing.sh']",
        '    ports: ["127.0.0.1:8080:81"]',
        '    environment: [UNSET_VAR]',
        '    healthcheck: {test: ["CMD-SHELL", "pg_isready -U $${PGUSER}"]}',
        '  plain:',
        '    image: busybox',
        '  daemon:',
        '    image: busybox:latest',
        '    restart: unless-stopped',
        '',
      ].join('\n'),
    );
    writeFileSync(join(checker.tmp, 'Dockerfile'), 'FROM busybox:1.36\n');
    if (!r.ok) throw new Error(r.error);
    expect(composeProblems(r.value).sort()).toEqual(
      [
        'unnamed: builds an image without naming it (compose would build another copy as problems-unnamed)',
        'orphan: image tideflow/other:local is built by no service of the file (and is not published)',
        'orphan: waits for plain to be healthy, but plain has no healthcheck',
        "orphan: waits for daemon to complete, but daemon restarts 'unless-stopped'",
        `orphan: bind mount source ${join(checker.tmp, 'missing-dir')} does not exist (docker would create an empty directory)`,
        'orphan: host port 127.0.0.1:8080/tcp is also published by builder',
        `orphan: runs /setup/missing.sh, but its bind mount has no ${join(checker.tmp, 'missing.sh')}`,
        'orphan: environment variable UNSET_VAR has no value (left unset in the container)',
        "orphan: healthcheck uses $PGUSER, which the service's environment does not set",
        "plain: image busybox has no tag (it would pull whatever 'latest' is)",
        'daemon: image busybox:latest is not pinned',
      ].sort(),
    );
  });
});
