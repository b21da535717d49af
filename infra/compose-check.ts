/**
 * docker-compose.yml checked without a Docker engine: runs infra/compose-check (a Go program on
 * compose-go, the loader `docker compose config` uses: schema, interpolation, normalization,
 * depends_on and other consistency checks) and parses the normalized project it prints. Only the
 * parts Tideflow asserts on are typed (zod); the rest passes through untyped.
 *
 * Also a few checks compose-go leaves to `docker compose up` time (`composeProblems`): images no
 * service builds, `service_healthy` on a service without a healthcheck, a host port published
 * twice, bind mounts, mounted scripts and build contexts that do not exist, environment variables
 * left unset.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import type { Log } from './binary-cache';
import { provisionComposeCheck } from './compose-check-build';

const StringMap = z.record(z.string(), z.string().nullable());

const Service = z.object({
  image: z.string().optional(),
  build: z.object({ context: z.string(), dockerfile: z.string().optional(), args: StringMap.optional() }).optional(),
  command: z.array(z.string()).nullable().optional(),
  entrypoint: z.array(z.string()).nullable().optional(),
  environment: StringMap.optional(),
  depends_on: z.record(z.string(), z.object({ condition: z.string(), required: z.boolean().optional() })).optional(),
  healthcheck: z
    .object({
      test: z.array(z.string()).optional(),
      disable: z.boolean().optional(),
      interval: z.string().optional(),
      timeout: z.string().optional(),
      retries: z.number().optional(),
      start_period: z.string().optional(),
    })
    .optional(),
  volumes: z
    .array(z.object({ type: z.string(), source: z.string().optional(), target: z.string(), read_only: z.boolean().optional() }))
    .optional(),
  ports: z
    .array(
      z.object({ target: z.number(), published: z.string().optional(), host_ip: z.string().optional(), protocol: z.string().optional() }),
    )
    .optional(),
  restart: z.string().optional(),
  init: z.boolean().optional(),
  working_dir: z.string().optional(),
  container_name: z.string().optional(),
  deploy: z.object({ replicas: z.number().optional() }).nullable().optional(),
});
export type ComposeService = z.infer<typeof Service>;

export const ComposeProject = z.object({
  name: z.string(),
  services: z.record(z.string(), Service),
  volumes: z.record(z.string(), z.unknown()).optional(),
});
export type ComposeProject = z.infer<typeof ComposeProject>;

const Variables = z.array(z.object({ name: z.string(), required: z.boolean(), defaultValue: z.string(), presenceValue: z.string() }));
export type ComposeVariable = z.infer<typeof Variables>[number];

export interface ComposeCheckOptions {
  /** Compose files, merged in order as `docker compose -f a -f b`. */
  files: string[];
  /** Env files for interpolation; none: the project directory's `.env`, as docker compose. */
  envFiles?: string[];
  /**
   * The environment compose interpolates from, as if exported in the shell (wins over env files).
   * Absent: none at all (`-no-os-env`), so results do not depend on the caller's environment.
   */
  env?: Record<string, string>;
  projectDirectory?: string;
  /** compose-go's warnings are errors (default true). */
  strict?: boolean;
  /** The checker binary; default: provisionComposeCheck() (COMPOSE_CHECK_BIN or the cached build). */
  bin?: string;
  log?: Log;
}

export type ComposeCheckResult<T> = { ok: true; value: T; warnings: string[] } | { ok: false; error: string; warnings: string[] };

/** Loads and validates the files as `docker compose config` would; the normalized project or the loader's error. */
export async function checkCompose(opts: ComposeCheckOptions): Promise<ComposeCheckResult<ComposeProject>> {
  const run = await runChecker(opts, []);
  if (!run.ok) return run;
  return { ok: true, value: ComposeProject.parse(JSON.parse(run.value)), warnings: run.warnings };
}

/** The variables the files interpolate, as `docker compose config --variables` lists them. */
export async function composeVariables(opts: ComposeCheckOptions): Promise<ComposeCheckResult<ComposeVariable[]>> {
  const run = await runChecker(opts, ['-variables']);
  if (!run.ok) return run;
  return { ok: true, value: Variables.parse(JSON.parse(run.value)), warnings: run.warnings };
}

async function runChecker(opts: ComposeCheckOptions, extra: string[]): Promise<ComposeCheckResult<string>> {
  const bin = opts.bin ?? (await provisionComposeCheck(opts.log));
  const args = [
    ...extra,
    ...(opts.env === undefined ? ['-no-os-env'] : []),
    ...(opts.strict === false ? [] : ['-strict']),
    ...(opts.projectDirectory !== undefined ? ['-project-directory', opts.projectDirectory] : []),
    ...(opts.envFiles ?? []).flatMap((f) => ['-env-file', f]),
    ...opts.files,
  ];
  return new Promise((resolve, reject) => {
    execFile(bin, args, { env: opts.env ?? {}, maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      const lines = stderr.split('\n').filter((l) => l !== '');
      const warnings = lines.filter((l) => l.startsWith('warning: ')).map((l) => l.slice('warning: '.length));
      if (err === null) return resolve({ ok: true, value: stdout, warnings });
      // Exit 1 is the loader saying no; anything else (not found, killed, usage) is a broken checker.
      if (typeof err.code === 'number' && err.code === 1) {
        return resolve({ ok: false, error: lines.filter((l) => !l.startsWith('warning: ')).join('\n'), warnings });
      }
      reject(new Error(`${bin} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
    });
  });
}

/** Image names under this prefix are Tideflow's own: built by a service of the file, never pulled. */
export const LOCAL_IMAGE_PREFIX = 'tideflow/';

/**
 * What `docker compose up` would trip on (or silently get wrong) although the loader accepts it.
 * Bind mount and build paths are those of the normalized project (absolute on this machine).
 * Empty when all is well; otherwise one line per problem, naming the service.
 */
export function composeProblems(project: ComposeProject): string[] {
  const problems: string[] = [];
  const entries = Object.entries(project.services);
  const builders = new Map<string, { service: string; build: string }>();
  for (const [name, s] of entries) {
    if (s.build === undefined) continue;
    if (s.image === undefined) {
      problems.push(`${name}: builds an image without naming it (compose would build another copy as ${project.name}-${name})`);
      continue;
    }
    const build = JSON.stringify([s.build.context, s.build.dockerfile ?? 'Dockerfile', s.build.args ?? {}]);
    const other = builders.get(s.image);
    if (other !== undefined && other.build !== build)
      problems.push(`${name}: builds ${s.image} differently from ${other.service} (whichever builds last wins)`);
    else builders.set(s.image, { service: name, build });
    const context = s.build.context;
    if (!fs.existsSync(context)) problems.push(`${name}: build context ${context} does not exist`);
    else if (!fs.existsSync(path.resolve(context, s.build.dockerfile ?? 'Dockerfile')))
      problems.push(`${name}: no ${s.build.dockerfile ?? 'Dockerfile'} in build context ${context}`);
  }
  const ports = new Map<string, string>();
  for (const [name, s] of entries) {
    if (s.build === undefined && s.image !== undefined) {
      if (s.image.startsWith(LOCAL_IMAGE_PREFIX) && !builders.has(s.image))
        problems.push(`${name}: image ${s.image} is built by no service of the file (and is not published)`);
      else if (!s.image.startsWith(LOCAL_IMAGE_PREFIX) && !/(:[\w][\w.-]*|@sha256:[0-9a-f]{64})$/.test(s.image.replace(/^[^/]*\//, '')))
        problems.push(`${name}: image ${s.image} has no tag (it would pull whatever 'latest' is)`);
      else if (s.image.endsWith(':latest')) problems.push(`${name}: image ${s.image} is not pinned`);
    }
    for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
      const target = project.services[dep];
      if (target === undefined) continue; // the loader already refuses this
      const checked = target.healthcheck !== undefined && target.healthcheck.disable !== true && (target.healthcheck.test?.length ?? 0) > 0;
      if (condition === 'service_healthy' && !checked)
        problems.push(`${name}: waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
      if (condition === 'service_completed_successfully' && (target.restart === 'always' || target.restart === 'unless-stopped'))
        problems.push(`${name}: waits for ${dep} to complete, but ${dep} restarts '${target.restart}'`);
    }
    for (const v of s.volumes ?? []) {
      if (v.type === 'bind' && v.source !== undefined && !fs.existsSync(v.source))
        problems.push(`${name}: bind mount source ${v.source} does not exist (docker would create an empty directory)`);
    }
    // A file the container runs from a bind mount (entrypoint or command) must exist on the host.
    for (const arg of [...(s.entrypoint ?? []), ...(s.command ?? [])]) {
      if (!arg.startsWith('/')) continue;
      const host = hostPathOf(s, arg);
      if (host !== undefined && !fs.existsSync(host)) problems.push(`${name}: runs ${arg}, but its bind mount has no ${host}`);
    }
    for (const p of s.ports ?? []) {
      if (p.published === undefined) continue;
      const key = `${p.host_ip ?? '0.0.0.0'}:${p.published}/${p.protocol ?? 'tcp'}`;
      const other = ports.get(key);
      if (other !== undefined) problems.push(`${name}: host port ${key} is also published by ${other}`);
      else ports.set(key, name);
    }
    for (const [key, value] of Object.entries(s.environment ?? {})) {
      if (value === null) problems.push(`${name}: environment variable ${key} has no value (left unset in the container)`);
    }
    // A shell healthcheck's $VAR / ${VAR} ($$ in the file) is expanded in the container: it must be set there.
    const test = s.healthcheck?.test;
    if (test?.[0] === 'CMD-SHELL') {
      for (const m of (test[1] ?? '').matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
        const ref = m[1] as string;
        if (s.environment?.[ref] === undefined || s.environment[ref] === null)
          problems.push(`${name}: healthcheck uses $${ref}, which the service's environment does not set`);
      }
    }
  }
  return problems;
}

/**
 * Where a path inside a service's container comes from on the host, through its bind mounts
 * (the longest matching target wins); undefined when no bind mount covers it.
 */
export function hostPathOf(service: ComposeService, containerPath: string): string | undefined {
  let best: { target: string; source: string } | undefined;
  for (const v of service.volumes ?? []) {
    if (v.type !== 'bind' || v.source === undefined) continue;
    const target = v.target.replace(/\/+$/, '');
    if ((containerPath === target || containerPath.startsWith(`${target}/`)) && (best === undefined || target.length > best.target.length))
      best = { target, source: v.source };
  }
  return best === undefined ? undefined : path.join(best.source, containerPath.slice(best.target.length));
}
