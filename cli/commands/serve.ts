/**
 * `tideflow serve [--port n] [--host h] [--preload refs]`: the prediction server (serve/) in the
 * foreground until Ctrl-C, which finishes in-flight requests and flushes the prediction log.
 * Settings come from TIDEFLOW_SERVE_* (serve/config.ts); the flags override them.
 */
import { stringOption } from '../args';
import type { Command } from '../command';
import { CliError, EXIT, usageError } from '../errors';

function portOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n > 65535) throw usageError(`--port must be a port number 0-65535, got '${text}'`);
  return n;
}

export const serve: Command = {
  name: 'serve',
  summary: 'Serve registered models over HTTP (MLflow and KServe V2 protocols), following their aliases',
  options: {
    port: { type: 'string', value: 'n', description: 'port (default $TIDEFLOW_SERVE_PORT or 8090)' },
    host: { type: 'string', value: 'address', description: 'address to listen on (default $TIDEFLOW_SERVE_HOST or 127.0.0.1)' },
    preload: { type: 'string', value: 'refs', description: 'models to load at start, e.g. penguins@champion,other/versions/3' },
  },
  examples: [
    'TIDEFLOW_SERVE_TOKEN=... tideflow serve --port 8090',
    'curl -H "Authorization: Bearer $TIDEFLOW_SERVE_TOKEN" -H "Content-Type: application/json" \\\n    -d \'{"dataframe_records": [{"island": "Dream", ...}]}\' http://127.0.0.1:8090/models/penguins@champion/invocations',
  ],
  async run(args, io) {
    const port = portOf(stringOption(args, 'port'));
    const host = stringOption(args, 'host');
    const preload = stringOption(args, 'preload');
    const { runUntilSignal } = await import('../../serve/main');
    try {
      await runUntilSignal(io.env, {
        ...(port !== undefined && { port }),
        ...(host !== undefined && { host }),
        ...(preload !== undefined && {
          preload: preload
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        }),
      });
    } catch (err) {
      throw new CliError(err instanceof Error ? err.message : String(err), EXIT.failed);
    }
    return EXIT.ok;
  },
};
