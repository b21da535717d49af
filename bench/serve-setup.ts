/**
 * The serve benchmark's fixtures: GBTs on issue 12's flights-style model (bench/scoring-flights.ts:
 * date → hour, weekday, month; distance standardized; origin and destination as native categories;
 * target: delayed more than 15 minutes), registered in the bench stack's registry, and the prediction server run as its own process
 * (so the load generator does not share its event loop): `tideflow serve` as users start it, from
 * its prebuilt bundle (infra/serve-bundle.ts), or from source through tsx for comparison.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import * as path from 'node:path';
import { putArtifact } from '../activities/ml/store';
import type { TideflowConfig } from '../config/env';
import { findFreePort } from '../infra/ports';
import type { Frame } from '../ml/frame/frame';
import type { ModelArtifact } from '../ml/predict';
import { registerModelVersion, type ArtifactStore } from '../registry';
import { trainFlights } from './scoring-flights';

export const TOKEN = 'bench-serve-token-0123456789';
export const MODEL = 'flights';
export const HEADERS = { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` };

/** The input columns of the flights-style model (bench/scoring-flights.ts). */
export const INPUTS = ['date', 'distance', 'origin', 'destination'];

/** Issue 12's flights-style model (bench/scoring-flights.ts) with `trees` iterations; a different count makes a version that answers differently. */
export async function trainFlightsGbt(frame: Frame, trees: number): Promise<ModelArtifact> {
  return (await trainFlights(frame, trees)).artifact;
}

export async function registerArtifact(store: ArtifactStore, artifact: ModelArtifact, tag: string): Promise<number> {
  const ref = await putArtifact(store, `${store.prefix}bench-serve/${MODEL}-${tag}.json`, artifact);
  const v = await registerModelVersion(store, {
    name: MODEL,
    model: ref,
    source: { dagId: 'bench', workflowId: `bench-${tag}`, runId: 'bench', taskId: 'register' },
    idempotencyKey: `bench/${tag}/register`,
  });
  return v.version;
}

/** Poll readiness; after `ms`, fail with what the model route says (why the preload did not finish). */
export async function waitReady(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await fetch(`${url}/v2/health/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  const why = await fetch(`${url}/models/${MODEL}`, { headers: HEADERS }).then((r) => r.text(), String);
  throw new Error(`the server at ${url} was not ready after ${ms} ms: ${why}`);
}

const ROOT = path.join(__dirname, '..');
/** `tideflow serve` (bin/tideflow.js, which runs the prebuilt bundle when current), or the server compiled from source by tsx. */
const ENTRIES = {
  bundle: [path.join(ROOT, 'bin', 'tideflow.js'), 'serve'],
  source: ['--import', 'tsx', path.join(ROOT, 'serve', 'main.ts')],
} as const;

/** The server in its own process, preloading the champion; resolves once ready, with the spawn-to-ready time. */
export async function spawnServer(
  config: TideflowConfig,
  entry: keyof typeof ENTRIES = 'bundle',
  extraEnv: Record<string, string> = {},
): Promise<{ url: string; child: ChildProcess; coldMs: number; readyLine: string }> {
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const s0 = performance.now();
  // TIDEFLOW_BENCH_SERVE_CPU_PROF=<dir>: each server writes a V8 CPU profile there when it stops (node --cpu-prof).
  const profileDir = process.env.TIDEFLOW_BENCH_SERVE_CPU_PROF;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, ...ENTRIES[entry]], {
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: config.s3.credentials?.accessKeyId,
      AWS_SECRET_ACCESS_KEY: config.s3.credentials?.secretAccessKey,
      AWS_ENDPOINT_URL_S3: config.s3.endpoint,
      AWS_REGION: config.s3.region,
      TIDEFLOW_BUCKET: config.s3.bucket,
      TIDEFLOW_PREFIX: config.s3.prefix,
      TIDEFLOW_SERVE_PORT: String(port),
      TIDEFLOW_SERVE_TOKEN: TOKEN,
      TIDEFLOW_SERVE_PRELOAD: `${MODEL}@champion`,
      // TIDEFLOW_SERVE_POLL_MS is left at its default (1 s), as users run it: at 200 ms the alias and
      // rollout polls (two AWS SDK GETs per tick, 2.7–3.5 ms of CPU each measured at load 5–8) were 10 stalls a second
      // inside the latency windows. The rollout parts wait for the server to follow, whatever the period.
      ...extraEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // The server's own account of its start (serve/server.ts: preload time, time since process start).
  let readyLine = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    readyLine ||= /\[serve\] ready: .*/.exec(chunk.toString())?.[0] ?? '';
  });
  try {
    await waitReady(url, 60_000);
  } catch (err) {
    child.kill('SIGTERM');
    throw err;
  }
  const coldMs = performance.now() - s0;
  // Give the line a moment: readiness is polled, the log line is written as it turns ready.
  await new Promise((r) => setTimeout(r, 50));
  return { url, child, coldMs, readyLine };
}

/** A floor server (bench/serve-floor.ts: node http alone, or fastify alone) in its own process; resolves once it listens. */
export async function spawnFloor(kind: 'http' | 'fastify'): Promise<{ url: string; child: ChildProcess }> {
  const profileDir = process.env.TIDEFLOW_BENCH_SERVE_CPU_PROF;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(ROOT, 'bench', 'serve-floor.ts'), kind], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the ${kind} floor server exited (${code}) before listening`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

export interface Answer {
  status: number;
  version?: number;
  proba?: number;
}

/**
 * The bench client's connections: node's http with a keep-alive agent rather than fetch (undici),
 * to keep the client's own CPU per request low: client and server share the machine's two cores,
 * so what the client spends is taken from the server (the bench prints both).
 */
const agent = new Agent({ keepAlive: true, keepAliveMsecs: 10_000, scheduling: 'lifo' });

function post(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...HEADERS, ...headers, 'content-length': String(Buffer.byteLength(body)) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** One MLflow request for the champion; `headers` add a route key or request id. */
export async function invoke(url: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await post(`${url}/models/${MODEL}/invocations`, body, headers);
  if (res.status !== 200) return { status: res.status };
  const json = JSON.parse(res.text) as { version: number; predictions: { probabilities: Record<string, number> }[] };
  return { status: 200, version: json.version, proba: json.predictions[0]?.probabilities.late ?? NaN };
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux); NaN elsewhere. Other processes' load does not inflate it. */
export function processCpuMs(pid: number | undefined): number {
  try {
    // Fields after the command name: utime is field 14, stime 15 (clock ticks, 100 per second on Linux).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}
