/**
 * A slow-loris client on loopback: sends a request's headers (or part of them), then one body byte
 * every second, and reports how long the server kept the connection open. Bounded: it gives up
 * itself after `maxMs`, so a server without timeouts shows as "held > maxMs", never a hang.
 */
import * as net from 'node:net';
import type { Probe } from './cases';

export interface SlowRequest {
  url: string;
  /** Send the request line and headers complete (then trickle the body), or stop mid-headers. */
  completeHeaders: boolean;
  headers?: Record<string, string>;
  maxMs: number;
}

export function slowClient(r: SlowRequest): Promise<Probe & { heldMs: number }> {
  const u = new URL(r.url);
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(Number(u.port), u.hostname);
    let answer = '';
    let done = false;
    const finish = (how: string): void => {
      if (done) return;
      done = true;
      clearInterval(drip);
      clearTimeout(limit);
      socket.destroy();
      const heldMs = Date.now() - started;
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      resolve({
        status: `${status ? `HTTP ${status}, ` : ''}${how} after ${(heldMs / 1000).toFixed(1)} s`,
        text: answer.split('\r\n\r\n')[1] ?? answer,
        retryable: status !== undefined && Number(status) >= 500,
        heldMs,
      });
    };
    const headerLines = Object.entries({ host: u.host, 'content-type': 'application/json', 'content-length': '100000', ...r.headers }).map(
      ([k, v]) => `${k}: ${v}`,
    );
    socket.on('connect', () => {
      socket.write(`POST ${u.pathname} HTTP/1.1\r\n${headerLines.join('\r\n')}\r\n${r.completeHeaders ? '\r\n' : ''}`);
    });
    const drip = setInterval(() => {
      if (!socket.destroyed && socket.writable) socket.write(r.completeHeaders ? ' ' : 'x-slow: 1\r\n');
    }, 1000);
    const limit = setTimeout(() => finish('still open (census gave up)'), r.maxMs);
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    socket.on('close', () => finish('closed'));
    socket.on('error', () => finish('reset'));
  });
}

/**
 * A POST of `bytes` body bytes over a raw socket that reads the answer whatever happens to the
 * upload: a server that answers 413 from the declared length and closes is seen as such (fetch
 * would report only the broken upload, EPIPE).
 */
export function bigPost(url: string, headers: Record<string, string>, bytes: number): Promise<Probe> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect(Number(u.port), u.hostname);
    let answer = '';
    const lines = Object.entries({ host: u.host, 'content-type': 'application/json', 'content-length': String(bytes), ...headers });
    socket.on('connect', () => {
      socket.write(`POST ${u.pathname} HTTP/1.1\r\n${lines.map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`);
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = (): void => {
        while (sent < bytes && !socket.destroyed) {
          sent += chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
      };
      pump();
    });
    socket.on('data', (d: Buffer) => (answer += d.toString()));
    const done = (): void => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
      resolve({
        status: status ? `HTTP ${status}` : 'connection closed',
        text: answer.split('\r\n\r\n')[1] ?? answer,
        retryable: status !== undefined && Number(status) >= 500,
      });
    };
    socket.on('close', done);
    socket.on('error', () => socket.destroy());
    socket.setTimeout(60_000, () => socket.destroy());
  });
}
