/**
 * The stack the census attacks: `npm start`'s own entry point (infra/start.ts) in a temp dir on
 * free loopback ports — Temporal dev server, MinIO, worker, alert receiver, prediction server —
 * exactly as a user runs it, plus helpers to reach it the way outsiders do (HTTP, the `tideflow`
 * CLI as a child process, the Temporal client).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, type TideflowConfig } from '../../config/env';
import type { ArtifactStore } from '../../registry';
import { createArtifactStore } from '../../storage/s3-client';
import { startNpmStart } from '../npm-start';
import type { Probe } from './cases';

const ROOT = join(__dirname, '..', '..');
export const TASK_QUEUE = 'hostile-census';

export interface CensusStack {
  dir: string;
  /** A directory inside the file root (for symlinks that point out of it). */
  fileRoot: string;
  env: Record<string, string>;
  config: TideflowConfig;
  store: ArtifactStore;
  client: Client;
  alertUrl: string;
  serveUrl: string;
  alertToken: string;
  serveToken: string;
  close(): Promise<void>;
}

/** `export K='v'` lines of the env file `npm start` writes. */
function readEnvFile(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of readFileSync(file, 'utf8').matchAll(/^export ([A-Z0-9_]+)='((?:[^']|'\\'')*)'$/gm))
    env[m[1] as string] = (m[2] as string).replace(/'\\''/g, "'");
  return env;
}

export async function startCensusStack(log: (line: string) => void): Promise<CensusStack> {
  const dir = mkdtempSync(join(tmpdir(), 'tideflow-hostile-'));
  const fileRoot = join(dir, 'roots');
  mkdirSync(fileRoot);
  const stack = await startNpmStart({
    dataDir: join(dir, 'data'),
    taskQueue: TASK_QUEUE,
    timeoutMs: 240_000,
    env: {
      // The root holds the data dir too: credentials stay unreadable by the data-dir rule alone.
      TIDEFLOW_FILE_ROOTS: dir,
      // Alerts pend in their controller instead of starting retrains in the middle of the census.
      TIDEFLOW_RETRAIN_DEBOUNCE_SECONDS: '86400',
      TIDEFLOW_SERVE_POLL_MS: '200',
    },
  });
  const { temporal, alerts, serve } = stack.ports;
  log(`stack up in ${dir} (Temporal :${temporal}, alerts :${alerts}, serve :${serve})`);
  const fileEnv = readEnvFile(join(dir, 'data', 'env'));
  const env: Record<string, string> = { ...fileEnv, TIDEFLOW_TASK_QUEUE: TASK_QUEUE, TIDEFLOW_FILE_ROOTS: dir };
  const config = loadConfig({ ...process.env, ...env });
  const connection = await Connection.connect({ address: `127.0.0.1:${temporal}` });
  return {
    dir,
    fileRoot,
    env,
    config,
    store: { ...createArtifactStore(config.s3) },
    client: new Client({ connection, namespace: config.temporal.namespace }),
    alertUrl: `http://127.0.0.1:${alerts}`,
    serveUrl: `http://127.0.0.1:${serve}`,
    alertToken: env['TIDEFLOW_ALERT_TOKEN'] ?? '',
    serveToken: env['TIDEFLOW_SERVE_TOKEN'] ?? '',
    async close() {
      await connection.close();
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const STACK_TRACE = /^\s+at .+:\d+:\d+\)?$/m;
// Words that tell a person to try again later (not e.g. 'stepTimeouts' in a param's name).
const TRANSIENT_WORDS = /try again|temporarily|unavailable|ECONNREFUSED|timed out/i;

/** `tideflow <args>` as a user runs it, against the census stack; the probe is its exit code and stderr. */
export function cli(stack: CensusStack, args: string[], timeoutMs = 180_000): Promise<Probe & { stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'tideflow.js'), ...args], {
      cwd: stack.dir,
      env: { ...process.env, ...stack.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      const text = `${stderr.trim()}\n${stdout.trim()}`.trim();
      resolve({
        status: code === null ? 'killed (timeout)' : `exit ${code}`,
        text,
        stdout,
        retryable: code !== 0 && TRANSIENT_WORDS.test(stderr),
        crashed: code === null || STACK_TRACE.test(stderr),
      });
    });
  });
}

/** One HTTP request; the probe is the status and the body (error field first). */
export async function http(url: string, init: RequestInit & { json?: unknown } = {}): Promise<Probe & { body: unknown }> {
  const { json, ...rest } = init;
  let res: Response;
  try {
    res = await fetch(url, {
      method: json !== undefined || rest.body !== undefined ? 'POST' : 'GET',
      ...rest,
      headers: { 'content-type': 'application/json', ...(rest.headers as Record<string, string> | undefined) },
      ...(json !== undefined && { body: JSON.stringify(json) }),
      signal: AbortSignal.timeout(60_000),
    });
  } catch (err) {
    // The server closed the connection before answering (e.g. while a refused body was still being sent).
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return { status: 'connection closed', text: cause?.message ?? String(err), body: null, retryable: false };
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // a plain-text answer stays text
  }
  return { status: `HTTP ${res.status}`, text, body, retryable: res.status >= 500 || res.status === 429, crashed: res.status === 500 };
}
