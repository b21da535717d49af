/**
 * python3 for the external command step (the python_train example DAG and tests/command run real
 * Python scripts, standard library only). Found on PATH → nothing to do. Missing on a Debian-like
 * machine where we are root → installed with apt-get (the project installs what it needs);
 * otherwise a clear message, and the rest of Tideflow works without it.
 */
import { spawnSync } from 'node:child_process';

type Log = (line: string) => void;

const has = (cmd: string, args: string[]): boolean => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

export function ensurePython3(log: Log): boolean {
  if (has('python3', ['--version'])) return true;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root && has('apt-get', ['--version'])) {
    log('python3 not found: installing it with apt-get (needed by the external command step and its tests)');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-q'], { stdio: 'inherit', env });
    const install =
      update.status === 0
        ? spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'python3'], { stdio: 'inherit', env })
        : update;
    if (install.status === 0 && has('python3', ['--version'])) return true;
  }
  log('python3 not found: the python_train DAG and tests/command need it (apt-get install python3); everything else works without it');
  return false;
}
