/**
 * `npm start` (infra/start.ts) as a child process, the way a user runs it, on free loopback ports:
 * for the hostile census (bench/hostile) and the test of `npm start` itself (tests/infra).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { findFreePort } from '../infra/ports';

const ROOT = join(__dirname, '..');

export interface NpmStartPorts {
  temporal: number;
  ui: number;
  minio: number;
  minioConsole: number;
  alerts: number;
  serve: number;
}

export interface NpmStart {
  child: ChildProcess;
  ports: NpmStartPorts;
  /** Everything it has printed so far (stdout and stderr interleaved). */
  output(): string;
  /** SIGINT, then wait (at most 30 s) for it to have shut its children down. */
  stop(): Promise<void>;
}

async function distinctPorts(n: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < n) ports.add(await findFreePort());
  return [...ports];
}

/**
 * Starts `npm start` with its state in `dataDir` and `env` on top of the port settings; resolves
 * once it prints its running banner, or stops it and throws with the end of its output.
 */
export async function startNpmStart(options: {
  dataDir: string;
  taskQueue: string;
  env?: Record<string, string>;
  timeoutMs: number;
}): Promise<NpmStart> {
  const [temporal, ui, minio, minioConsole, alerts, serve] = (await distinctPorts(6)) as [number, number, number, number, number, number];
  let output = '';
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), join(ROOT, 'infra', 'start.ts')], {
    cwd: ROOT,
    env: {
      ...process.env,
      TIDEFLOW_DATA_DIR: options.dataDir,
      TIDEFLOW_TEMPORAL_PORT: String(temporal),
      TIDEFLOW_UI_PORT: String(ui),
      TIDEFLOW_MINIO_PORT: String(minio),
      TIDEFLOW_MINIO_CONSOLE_PORT: String(minioConsole),
      TIDEFLOW_ALERT_PORT: String(alerts),
      TIDEFLOW_SERVE_PORT: String(serve),
      TIDEFLOW_TASK_QUEUE: options.taskQueue,
      TEMPORAL_ADDRESS: `127.0.0.1:${temporal}`,
      // The stack's own MinIO, not an S3 endpoint this shell may point at.
      AWS_ENDPOINT_URL_S3: '',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
  };
  const end = Date.now() + options.timeoutMs;
  while (!output.includes('Tideflow is running')) {
    if (child.exitCode !== null || Date.now() > end) {
      await stop();
      throw new Error(`npm start did not come up:\n${output.slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, ports: { temporal, ui, minio, minioConsole, alerts, serve }, output: () => output, stop };
}
