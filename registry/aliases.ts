/**
 * Promote a version to an alias, or roll the alias back to its previous holder. The alias
 * document carries its own audit trail; each move is one If-Match write of that document, so
 * the pointer and its audit entry change together or not at all, and concurrent movers never
 * lose each other's update (the loser re-reads and re-applies).
 *
 * Promotion can be conditional (`expectedVersion`): compare-and-set on what the alias named when
 * the caller's gate compared against it. If the alias moved since (a concurrent retrain promoted a
 * newer model), the promotion is refused and the refusal recorded in the audit trail, so the
 * champion never moves backwards to a model that was only better than an older champion.
 */
import { randomUUID } from 'node:crypto';
import { getParsedDoc, putDoc } from '../storage/documents';
import { aliasKey } from './layout';
import { validateAliasName, validateModelName, validateVersionNumber } from './names';
import { getVersion } from './read';
import { aliasDocument, RegistryError, type AliasEvent, type AliasRecord, type ArtifactStore } from './types';

export interface MoveRequest {
  name: string;
  alias: string;
  /** Who asked (a user, or `dag:<dagId>/<runId>`). */
  actor: string;
  reason: string;
  /** When set, a retry carrying the same id is recognised and not applied twice. */
  requestId?: string;
}

export interface PromoteRequest extends MoveRequest {
  version: number;
  /**
   * Compare-and-set: promote only if the alias still names this version (null: only if the alias
   * does not exist yet). Undefined: unconditional (a person promoting by hand).
   */
  expectedVersion?: number | null;
}

export interface MoveResult {
  alias: AliasRecord;
  event: AliasEvent;
  /** False when the request id had already been applied (a retried activity), or the move was refused. */
  applied: boolean;
  /** Why a conditional promotion was refused (also recorded as a 'refused' audit event). */
  refused?: string;
}

type Plan = (
  current: AliasRecord | undefined,
) => Promise<{ version: number; previous: number[]; action: AliasEvent['action']; reason?: string }>;

async function move(s: ArtifactStore, req: MoveRequest, plan: Plan): Promise<MoveResult> {
  const name = validateModelName(req.name);
  const alias = validateAliasName(req.alias);
  if (req.reason.trim() === '') throw new RegistryError('a reason is required to move an alias (it goes in the audit record)');
  const key = aliasKey(s, name, alias);
  // Always an id: a PUT retried by the SDK after a lost response must not be recorded twice.
  const requestId = req.requestId ?? randomUUID();
  for (;;) {
    const doc = await getParsedDoc(s, key, aliasDocument);
    const seen = doc?.value.events.find((e) => e.requestId === requestId);
    if (doc && seen) return { alias: doc.value, event: seen, applied: false, ...(seen.action === 'refused' && { refused: seen.reason }) };
    const { version, previous, action, reason } = await plan(doc?.value);
    const event: AliasEvent = {
      action,
      version,
      previousVersion: doc?.value.version ?? null,
      actor: req.actor,
      reason: reason ?? req.reason,
      at: new Date().toISOString(),
      requestId,
    };
    if (action === 'refused') {
      // Record the refusal where the alias's history is; an alias that does not exist yet has none.
      if (doc) {
        const kept: AliasRecord = { ...doc.value, events: [...doc.value.events, event] };
        if ((await putDoc(s, key, kept, { ifMatch: doc.etag })) === 'conflict') continue;
        return { alias: kept, event, applied: false, refused: event.reason };
      }
      return {
        alias: { ...aliasDocument.head, name, alias, version, previous, events: [] },
        event,
        applied: false,
        refused: event.reason,
      };
    }
    const next: AliasRecord = {
      ...aliasDocument.head,
      name,
      alias,
      version,
      previous,
      events: [...(doc?.value.events ?? []), event],
    };
    const res = await putDoc(s, key, next, doc ? { ifMatch: doc.etag } : { ifNoneMatch: true });
    if (res !== 'conflict') return { alias: next, event, applied: true };
  }
}

/** Point `alias` at `version` (which must be ready), remembering the previous holder for rollback. */
export async function promoteVersion(s: ArtifactStore, req: PromoteRequest): Promise<MoveResult> {
  const version = validateVersionNumber(req.version);
  const target = await getVersion(s, req.name, version);
  if (target.status !== 'ready')
    throw new RegistryError(`version ${version} of ${req.name} is ${target.status}, not ready: it cannot be promoted`);
  if (target.deletedAt !== undefined) throw new RegistryError(`version ${version} of ${req.name} was deleted`);
  return move(s, req, async (current) => {
    const holder = current?.version ?? null;
    if (req.expectedVersion !== undefined && holder !== req.expectedVersion && holder !== version) {
      const was = req.expectedVersion === null ? 'no champion' : `v${req.expectedVersion}`;
      return {
        action: 'refused',
        version: holder ?? version,
        previous: current?.previous ?? [],
        reason: `not promoted: ${req.alias} moved from ${was} to ${holder === null ? 'nothing' : `v${holder}`} since v${version}'s gate compared against ${was} (${req.reason})`,
      };
    }
    return {
      action: 'promote',
      version,
      // Re-promoting the holder changes nothing to roll back to.
      previous: current === undefined ? [] : current.version === version ? current.previous : [...current.previous, current.version],
    };
  });
}

/** Point `alias` back at the version it named before the last promotion. */
export async function rollbackAlias(s: ArtifactStore, req: MoveRequest): Promise<MoveResult> {
  return move(s, req, async (current) => {
    if (!current) throw new RegistryError(`model ${req.name} has no alias ${JSON.stringify(req.alias)} to roll back`);
    const version = current.previous[current.previous.length - 1];
    if (version === undefined) throw new RegistryError(`alias ${req.alias} of ${req.name} has no previous version to roll back to`);
    return { action: 'rollback', version, previous: current.previous.slice(0, -1) };
  });
}
