/**
 * The CLI's view of configuration: config/env.ts's loadConfig with its errors turned into
 * usage errors (exit 2: nothing was attempted), plus the Web UI link of a run.
 */
import { ConfigError, loadConfig, type TideflowConfig } from '../config/env';
import { CliError, EXIT } from './errors';

export function cliConfig(env: NodeJS.ProcessEnv): TideflowConfig {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new CliError(err.message, EXIT.usage);
    throw err;
  }
}

/**
 * The run's page in the Temporal Web UI, when TIDEFLOW_UI_URL names the UI (e.g.
 * http://localhost:8233). Read here rather than in config/env.ts because only the CLI uses it.
 */
export function runUrl(env: NodeJS.ProcessEnv, namespace: string, workflowId: string, runId: string): string | undefined {
  const ui = env.TIDEFLOW_UI_URL?.trim().replace(/\/+$/, '');
  if (!ui) return undefined;
  const seg = encodeURIComponent;
  return `${ui}/namespaces/${seg(namespace)}/workflows/${seg(workflowId)}/${seg(runId)}`;
}
