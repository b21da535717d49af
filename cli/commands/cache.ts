/**
 * `tideflow cache ls|clear [--dag d] [--task t]`: the step cache's index in S3 (storage/cache-index.ts).
 * `ls` lists the entries (key, when, from which run, the artifacts a hit verifies); `clear`
 * deletes entries and any leases, so the next run of those tasks recomputes. Artifacts themselves
 * are never deleted: runs and registry versions still reference them.
 */
import type { TideflowConfig } from '../../config/env';
import { InvalidKeyError } from '../../storage/artifacts/errors';
import { flagOption, stringOption } from '../args';
import type { Command } from '../command';
import { cliConfig } from '../config';
import { EXIT, usageError } from '../errors';
import { formatDuration, formatInstant, table } from '../format';
import { printJson } from '../io';

async function openIndex(config: TideflowConfig) {
  const [{ createArtifactStore }, index] = await Promise.all([import('../../storage/s3-client'), import('../../storage/cache-index')]);
  return { store: createArtifactStore(config.s3), ...index };
}

const filterOptions = {
  dag: { type: 'string', value: 'id', description: "only this DAG's entries" },
  task: { type: 'string', value: 'id', description: "only this task's entries (of every DAG, unless --dag)" },
} as const;

function filters(args: Parameters<Command['run']>[0]): { dag?: string; task?: string } {
  const dag = stringOption(args, 'dag');
  const task = stringOption(args, 'task');
  for (const [name, v] of [
    ['--dag', dag],
    ['--task', task],
  ] as const) {
    if (v !== undefined && (v === '' || v.includes('/') || v === '..')) throw usageError(`${name} '${v}' is not a DAG or task id`);
  }
  return { ...(dag !== undefined && { dag }), ...(task !== undefined && { task }) };
}

/** A listing call with a bad id segment is a usage error, not a crash. */
async function listing<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof InvalidKeyError) throw usageError(err.message);
    throw err;
  }
}

export const cacheLs: Command = {
  name: 'cache ls',
  summary: 'List step-cache entries: task, key, age, origin run, verified artifacts',
  options: { ...filterOptions, json: { type: 'boolean', description: 'print the entries as JSON' } },
  examples: ['tideflow cache ls', 'tideflow cache ls --dag ml_retrain --task tune'],
  async run(args, io) {
    const f = filters(args);
    const ix = await openIndex(cliConfig(io.env));
    const keys = await listing(() => ix.listCacheEntryKeys(ix.store, f.dag, f.task));
    const docs = await Promise.all(
      keys.map(async (k) => {
        const [dagId = '', taskId = '', file = ''] = k.slice(`${ix.store.prefix}cache/entries/`.length).split('/');
        const doc = await ix.readCacheEntry(ix.store, { dagId, taskId, key: file.replace(/\.json$/, '') });
        return { dagId, taskId, doc };
      }),
    );
    const entries = docs.flatMap(({ dagId, taskId, doc }) => (doc && !('invalid' in doc) ? [{ dagId, taskId, entry: doc.value }] : []));
    if (flagOption(args, 'json')) {
      printJson(
        io,
        entries.map(({ entry }) => entry),
      );
      return EXIT.ok;
    }
    if (entries.length === 0) {
      io.stdout.write('No step-cache entries.\n');
      return EXIT.ok;
    }
    const rows = entries.map(({ dagId, taskId, entry }) => [
      dagId,
      `${taskId}${entry.from.mapIndex !== undefined ? `[${entry.from.mapIndex}]` : ''}`,
      entry.key.slice(0, 12),
      `${entry.activity} v${entry.cacheVersion}`,
      formatInstant(entry.createdAt),
      entry.from.workflowId,
      String(entry.artifacts.length),
      formatDuration(entry.durationMs),
    ]);
    io.stdout.write(table(['DAG', 'TASK', 'KEY', 'ACTIVITY', 'CREATED', 'FROM RUN', 'ARTIFACTS', 'COMPUTE'], rows));
    const invalid = docs.length - entries.length;
    if (invalid > 0) io.stdout.write(`${invalid} unreadable entr${invalid === 1 ? 'y' : 'ies'} (replaced on the next miss)\n`);
    return EXIT.ok;
  },
};

export const cacheClear: Command = {
  name: 'cache clear',
  summary: 'Delete step-cache entries (the next run recomputes them); artifacts stay',
  options: filterOptions,
  examples: ['tideflow cache clear --dag ml_retrain', 'tideflow cache clear --dag ml_retrain --task evaluate', 'tideflow cache clear'],
  async run(args, io) {
    const f = filters(args);
    const ix = await openIndex(cliConfig(io.env));
    const [entries, leases] = await listing(() =>
      Promise.all([ix.listCacheEntryKeys(ix.store, f.dag, f.task), ix.listLeaseKeys(ix.store, f.dag, f.task)]),
    );
    for (const k of [...entries, ...leases]) await ix.deleteCacheObject(ix.store, k);
    const scope = [f.dag && `DAG ${f.dag}`, f.task && `task ${f.task}`].filter(Boolean).join(', ') || 'every DAG';
    io.stdout.write(`Cleared ${entries.length} step-cache entr${entries.length === 1 ? 'y' : 'ies'} (${scope}).\n`);
    return EXIT.ok;
  },
};

export const cacheCommands: readonly Command[] = [cacheLs, cacheClear];
