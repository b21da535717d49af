/**
 * `tideflow serve` alone, without the rest of the CLI: the entry that infra/serve-bundle.ts
 * bundles so the prediction server starts without compiling TypeScript (bin/tideflow.js runs it
 * while the bundle is up to date). Same flags, errors and exit codes as through cli/main.ts.
 */
import { serve } from './commands/serve';
import { processMain, reportErrors, runCommand } from './run';

export function main(argv: readonly string[]): Promise<void> {
  return processMain((args, io) => reportErrors(io, () => runCommand(serve, args, io)), argv);
}
