/**
 * Which models accept alerts: those in the model registry, plus any declared in
 * TIDEFLOW_ALERT_MODELS (a model whose first version is still to be trained). Alerts for other
 * names are refused (404), so a typo or a hostile sender cannot create controllers, run
 * retrains and register brand-new models. Positive answers are cached briefly; negative ones are
 * not, so a model registered a moment ago is accepted at once.
 */
import { getDoc } from '../storage/documents';
import { modelKey } from '../registry/layout';
import type { ArtifactStore } from '../registry/types';

const CACHE_MS = 60_000;

export function knownModelCheck(store: ArtifactStore, declared: readonly string[]): (model: string) => Promise<boolean> {
  const known = new Map<string, number>();
  const declaredSet = new Set(declared);
  return async (model) => {
    if (declaredSet.has(model)) return true;
    const seen = known.get(model);
    if (seen !== undefined && Date.now() - seen < CACHE_MS) return true;
    const doc = await getDoc(store, modelKey(store, model));
    if (doc) known.set(model, Date.now());
    return doc !== undefined;
  };
}
