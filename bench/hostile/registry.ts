/**
 * The census's data checks (issue 14.2, 3): a snapshot of every registered version (its recorded
 * sha256 and the sha256 of the bytes actually stored) and every alias's audit trail, taken before
 * and after the attack; plus concurrent registrations and compare-and-set promotions.
 */
import { createHash } from 'node:crypto';
import {
  getAlias,
  listAliases,
  listModelNames,
  listVersions,
  promoteVersion,
  registerModelVersion,
  type AliasRecord,
  type ArtifactStore,
} from '../../registry';
import { putArtifactBytes, readArtifactBytes } from '../../storage/artifacts';
import type { CaseSpec, Finding, Probe } from './cases';

interface VersionState {
  recorded: string;
  /** sha256 of the stored bytes, or the read error (a verified read fails on tampered bytes). */
  stored: string;
}
export type Snapshot = Map<string, { versions: Map<number, VersionState>; aliases: AliasRecord[] }>;

export async function snapshot(store: ArtifactStore): Promise<Snapshot> {
  const out: Snapshot = new Map();
  for (const name of await listModelNames(store)) {
    const versions = new Map<number, VersionState>();
    for (const v of await listVersions(store, name)) {
      const stored = await readArtifactBytes(store, v.model).then(
        (b) => createHash('sha256').update(b).digest('hex'),
        (err: unknown) => `unreadable: ${err instanceof Error ? err.message : String(err)}`,
      );
      versions.set(v.version, { recorded: v.model.sha256, stored });
    }
    out.set(name, { versions, aliases: await listAliases(store, name) });
  }
  return out;
}

/** Applied promotions of an alias must only move forward (the census never rolls back). */
function backwardMoves(a: AliasRecord): string[] {
  const moves = a.events.filter((e) => e.action === 'promote' && e.previousVersion !== null && e.version < e.previousVersion);
  return moves.map((e) => `${a.name}@${a.alias}: v${e.previousVersion} → v${e.version} (${e.actor}, ${e.at})`);
}

export function compareSnapshots(before: Snapshot, after: Snapshot): { findings: Finding[]; checks: string[] } {
  const findings: Finding[] = [];
  let versions = 0;
  for (const [name, b] of before) {
    const a = after.get(name);
    for (const [n, v] of b.versions) {
      versions++;
      const now = a?.versions.get(n);
      if (!now) findings.push({ kind: 'data loss', detail: `${name} v${n} disappeared` });
      else if (now.recorded !== v.recorded) findings.push({ kind: 'overwrite', detail: `${name} v${n} now records ${now.recorded}` });
      else if (now.stored !== v.recorded) findings.push({ kind: 'overwrite', detail: `${name} v${n}'s bytes changed: ${now.stored}` });
    }
  }
  let aliases = 0;
  let added = 0;
  for (const [name, a] of after) {
    added += a.versions.size - (before.get(name)?.versions.size ?? 0);
    for (const [n, v] of a.versions)
      if (v.stored !== v.recorded) findings.push({ kind: 'corrupt version', detail: `${name} v${n}: ${v.stored}` });
    for (const alias of a.aliases) {
      aliases++;
      for (const m of backwardMoves(alias)) findings.push({ kind: 'champion backwards', detail: m });
    }
  }
  const checks = [
    `${versions} versions registered before the attack: all still present, same recorded sha256, stored bytes hash to it`,
    `${added} versions registered during the census; every version's stored bytes match its recorded sha256`,
    `${aliases} aliases: no applied promotion moved an alias to an older version`,
  ];
  return { findings, checks };
}

const ok = (text: string): Probe => ({ status: 'ok', text, retryable: false });
const fail = (text: string): Probe => ({ status: 'WRONG', text, retryable: false });

/** Concurrent registrations and promotions straight on the registry (many workers at once). */
export function concurrencyCases(store: ArtifactStore, name: string): CaseSpec[] {
  const spec = (caseName: string, run: () => Promise<Probe>): CaseSpec => ({
    group: 'registry',
    name: caseName,
    expect: 'ok',
    accept: (p) => p.status === 'ok',
    names: null,
    run,
  });
  const register = async (i: number, key: string) => {
    const model = await putArtifactBytes(store, `census model ${i} ${Math.random()}`);
    return registerModelVersion(store, {
      name,
      model: { uri: model.uri, bytes: model.bytes, sha256: model.sha256 },
      source: { dagId: 'census', workflowId: `census-${i}`, runId: `census-run-${i}`, taskId: 'register' },
      idempotencyKey: key,
    });
  };
  return [
    spec('20 concurrent registrations', async () => {
      const vs = await Promise.all(Array.from({ length: 20 }, (_, i) => register(i, `census-run-${i}/register`)));
      const distinct = new Set(vs.map((v) => v.version));
      return distinct.size === 20
        ? ok(`versions ${Math.min(...distinct)}–${Math.max(...distinct)}, all distinct`)
        : fail(`${distinct.size} distinct`);
    }),
    spec('5 concurrent registrations, one idempotency key', async () => {
      const vs = await Promise.all(Array.from({ length: 5 }, (_, i) => register(100 + i, 'census-same/register')));
      const distinct = new Set(vs.map((v) => v.version));
      return distinct.size === 1
        ? ok(`one version (v${[...distinct][0]})`)
        : fail(`${distinct.size} versions: ${[...distinct].join(', ')}`);
    }),
    spec('20 concurrent gated promotions (compare-and-set)', async () => {
      // Each promoter compares with the champion it read, then promotes only if its version is newer, conditionally.
      const order = Array.from({ length: 20 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
      const results = await Promise.all(
        order.map(async (v) => {
          const seen = (await getAlias(store, name, 'champion'))?.version ?? null;
          await new Promise((r) => setTimeout(r, Math.random() * 50));
          if (seen !== null && v <= seen) return 'not better';
          const r = await promoteVersion(store, {
            name,
            alias: 'champion',
            version: v,
            actor: 'census',
            reason: 'gate',
            expectedVersion: seen,
          });
          return r.applied ? 'applied' : 'refused';
        }),
      );
      const champion = await getAlias(store, name, 'champion');
      const back = champion ? backwardMoves(champion) : [];
      const count = (w: string): number => results.filter((r) => r === w).length;
      const text = `${count('applied')} applied, ${count('refused')} refused (alias moved), ${count('not better')} not better; champion v${champion?.version}`;
      return back.length === 0 ? ok(text) : fail(`${text}; backwards: ${back.join('; ')}`);
    }),
  ];
}
