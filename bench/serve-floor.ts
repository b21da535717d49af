/**
 * The floor under the prediction server's per-request cost, for the serve benchmark: the same
 * single-row requests answered without any model, by node's http server alone (read the body,
 * write a fixed answer of the real answer's size) and by fastify alone (JSON body parsed, one route
 * returning a fixed object, serialized by fastify). What they cost is what a request costs before
 * any of Tideflow's own work: the kernel's loopback write and read, node's HTTP parser and
 * streams, and fastify's routing, hooks chain and serialization.
 *
 * Run as a child process: `node --import tsx bench/serve-floor.ts http|fastify`; it prints
 * `listening <port>` and serves until killed.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import Fastify from 'fastify';

/** Shaped like a real MLflow answer of the flights model (serve/routes-mlflow.ts). */
const answer = (): Record<string, unknown> => ({
  predictions: [{ prediction: 'on_time', probabilities: { on_time: 0.8123456789012345, late: 0.1876543210987655 } }],
  model: 'flights',
  version: 1,
  alias: 'champion',
  request_id: randomUUID(),
});

async function main(kind: string): Promise<void> {
  let port: number;
  if (kind === 'http') {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const body = JSON.stringify(answer());
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      });
    });
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  } else if (kind === 'fastify') {
    const app = Fastify({ logger: false, keepAliveTimeout: 65_000 });
    app.post('/models/:ref/invocations', (_req, reply) => {
      void reply.send(answer());
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as { port: number }).port;
  } else throw new Error(`usage: serve-floor.ts http|fastify (got '${kind}')`);
  process.stdout.write(`listening ${port}\n`);
  // Exit normally on SIGTERM, so `--cpu-prof` (TIDEFLOW_BENCH_SERVE_CPU_PROF) writes its profile.
  process.once('SIGTERM', () => process.exit(0));
}

void main(process.argv[2] ?? '').catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
