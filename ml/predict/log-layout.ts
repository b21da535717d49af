/** Where prediction logs live (pure, so the server, the CLI and the drift monitor agree): <prefix>predictions/<model>/dt=YYYY-MM-DD/<time>-<uuid>.arrow, labels next to them. */
export const predictionsRoot = (prefix: string, model: string): string => `${prefix}predictions/${model}/`;

export const partitionOf = (prefix: string, model: string, day: string): string => `${predictionsRoot(prefix, model)}dt=${day}/`;

/** Time first (compact ISO, UTC), so a partition lists in write order. */
export function predictionLogKey(prefix: string, model: string, at: Date, uuid: string): string {
  const iso = at.toISOString();
  const time = iso.replace(/[-:]/g, '').replace('.', '');
  return `${partitionOf(prefix, model, iso.slice(0, 10))}${time}-${uuid}.arrow`;
}

/**
 * The labels file joined to a log file: next to it, same name with a leading '_' and `.labels.arrow`.
 * The '_' makes partition readers (ingest, drift_monitor's currentSource) skip it as a marker file,
 * so a log partition `predictions/<model>/dt=<ds>/` can be read directly as a window of inputs.
 */
export function labelsKeyFor(logKey: string): string {
  const slash = logKey.lastIndexOf('/');
  return `${logKey.slice(0, slash + 1)}_${logKey.slice(slash + 1).replace(/\.arrow$/, '.labels.arrow')}`;
}

export const isLogFile = (key: string): boolean => key.endsWith('.arrow') && !key.endsWith('.labels.arrow');
