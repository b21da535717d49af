/** The `tideflow` command run in this process (runCli) with a captured Io: faster than the launcher, same code path. */
import { runCli } from '../../cli/main';
import { captureIo } from './helpers';

export async function runCliInProcess(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo(env);
  const code = await runCli(args, io);
  return { code, out: io.out(), err: io.err() };
}
