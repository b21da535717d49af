/**
 * `tideflow models list|show|promote|rollback|lineage`: the model registry in S3. Tables for
 * people, --json for scripts. The registry and the AWS SDK are loaded on use, so other
 * commands do not pay for them.
 */
import type { ArtifactStore } from '../../registry';
import { flagOption, positional, stringOption, type ParsedArgs, JSON_OPTION, MODEL_POSITIONAL } from '../args';
import type { Command } from '../command';
import { cliConfig } from '../config';
import { CliError, EXIT, usageError } from '../errors';
import { compactJson, formatInstant, table } from '../format';
import { formatVersion, formatVersionTable, metricsText } from '../format-model';
import { printJson, type Io } from '../io';
import { modelsExport } from './models-export';

type Registry = typeof import('../../registry');

async function open(io: Io): Promise<{ r: Registry; store: ArtifactStore }> {
  const config = cliConfig(io.env);
  const [r, { createS3Client }] = await Promise.all([import('../../registry'), import('../../storage/s3-client')]);
  return { r, store: { s3: createS3Client(config.s3), bucket: config.s3.bucket, prefix: config.s3.prefix } };
}

/** Registry refusals (unknown model, no previous version…) are failures with a message, not crashes. */
async function guarded(io: Io, work: (r: Registry, store: ArtifactStore) => Promise<number>): Promise<number> {
  const { r, store } = await open(io);
  try {
    return await work(r, store);
  } catch (err) {
    if (err instanceof r.RegistryError) throw new CliError(err.message, EXIT.failed);
    throw err;
  }
}

function versionNumber(text: string | undefined, what: string): number {
  const n = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < 1)
    throw usageError(`${what} must be a positive integer, got '${text ?? ''}'`);
  return n;
}

function checkedAlias(r: Registry, alias: string): string {
  try {
    return r.validateAliasName(alias);
  } catch (err) {
    throw usageError(err instanceof Error ? err.message : String(err));
  }
}

export const modelsList: Command = {
  name: 'models list',
  summary: 'List registered models with their latest version and aliases',
  options: { json: JSON_OPTION },
  examples: ['tideflow models list', 'tideflow models list --json | jq ".[].name"'],
  async run(args, io) {
    return guarded(io, async (r, store) => {
      const names = await r.listModelNames(store);
      const summaries = await Promise.all(names.map((n) => r.summarizeModel(store, n)));
      if (flagOption(args, 'json')) {
        printJson(
          io,
          summaries.map((s) => ({
            name: s.name,
            createdAt: s.createdAt,
            versions: s.versions,
            latestVersion: s.latest?.version ?? null,
            latestStatus: s.latest?.status ?? null,
            aliases: s.aliases,
          })),
        );
        return 0;
      }
      if (summaries.length === 0) {
        io.stdout.write('No registered models.\n');
        return 0;
      }
      const rows = summaries.map((s) => [
        s.name,
        String(s.versions),
        s.latest ? `${s.latest.version} (${s.latest.status})` : '-',
        Object.entries(s.aliases)
          .map(([a, v]) => `${a}=${v}`)
          .join(' ') || '-',
        formatInstant(s.createdAt),
      ]);
      io.stdout.write(table(['MODEL', 'VERSIONS', 'LATEST', 'ALIASES', 'CREATED'], rows, { maxCellWidth: 60 }));
      return 0;
    });
  },
};

export const modelsShow: Command = {
  name: 'models show',
  summary: "Show a model's versions, or one version (by number or alias)",
  positionals: [MODEL_POSITIONAL],
  options: {
    version: { type: 'string', value: 'n', description: 'show this version in full' },
    alias: { type: 'string', value: 'alias', description: 'show the version this alias names (e.g. champion)' },
    json: JSON_OPTION,
  },
  examples: [
    'tideflow models show penguins',
    'tideflow models show penguins --alias champion',
    'tideflow models show penguins --version 3 --json',
  ],
  async run(args, io) {
    const name = positional(args, 0);
    const versionText = stringOption(args, 'version');
    const aliasText = stringOption(args, 'alias');
    if (versionText !== undefined && aliasText !== undefined) throw usageError('give --version or --alias, not both');
    return guarded(io, async (r, store) => {
      await r.getRegisteredModel(store, name);
      const aliases = await r.listAliases(store, name);
      const aliasesOf = (v: number): string[] => aliases.filter((a) => a.version === v).map((a) => a.alias);
      if (versionText !== undefined || aliasText !== undefined) {
        const v =
          aliasText !== undefined
            ? await r.getVersionByAlias(store, name, checkedAlias(r, aliasText))
            : await r.getVersion(store, name, versionNumber(versionText, '--version'));
        if (flagOption(args, 'json')) printJson(io, { ...v, aliases: aliasesOf(v.version) });
        else io.stdout.write(formatVersion(v, aliasesOf(v.version)));
        return 0;
      }
      const versions = await r.listVersions(store, name);
      if (flagOption(args, 'json')) {
        printJson(io, {
          name,
          versions: versions.map((v) => ({ ...v, aliases: aliasesOf(v.version) })),
          aliases: aliases.map((a) => ({ alias: a.alias, version: a.version })),
        });
        return 0;
      }
      io.stdout.write(formatVersionTable(versions, aliasesOf));
      return 0;
    });
  },
};

function actorOf(args: ParsedArgs, io: Io): string {
  return stringOption(args, 'actor') ?? io.env.TIDEFLOW_ACTOR ?? io.env.USER ?? 'unknown';
}

export const modelsPromote: Command = {
  name: 'models promote',
  summary: 'Point an alias (default champion) at a ready version, with an audit record',
  positionals: [MODEL_POSITIONAL, { name: 'version', description: 'the version to promote' }],
  options: {
    alias: { type: 'string', value: 'alias', description: 'alias to move (default champion; latest and v<n> are reserved)' },
    reason: { type: 'string', value: 'text', description: 'why (required; kept in the audit record)' },
    actor: { type: 'string', value: 'name', description: 'who (default $TIDEFLOW_ACTOR or $USER)' },
    json: JSON_OPTION,
  },
  examples: [
    'tideflow models promote penguins 4 --reason "beats v3 on holdout"',
    'tideflow models promote penguins 5 --alias challenger --reason "shadow test"',
  ],
  async run(args, io) {
    const name = positional(args, 0);
    const version = versionNumber(positional(args, 1), '<version>');
    const reason = stringOption(args, 'reason');
    if (reason === undefined || reason.trim() === '') throw usageError("--reason is required: it goes in the alias's audit record");
    return guarded(io, async (r, store) => {
      const alias = checkedAlias(r, stringOption(args, 'alias') ?? 'champion');
      const { event } = await r.promoteVersion(store, { name, version, alias, reason, actor: actorOf(args, io) });
      if (flagOption(args, 'json')) printJson(io, { model: name, alias, ...event });
      else
        io.stdout.write(`${name}@${alias}: ${event.previousVersion ?? '(none)'} → ${event.version} (by ${event.actor}: ${event.reason})\n`);
      return 0;
    });
  },
};

export const modelsRollback: Command = {
  name: 'models rollback',
  summary: 'Point an alias back at the version it named before its last promotion',
  positionals: [MODEL_POSITIONAL],
  options: {
    alias: { type: 'string', value: 'alias', description: 'alias to roll back (default champion)' },
    reason: { type: 'string', value: 'text', description: "why (default 'rollback'; kept in the audit record)" },
    actor: { type: 'string', value: 'name', description: 'who (default $TIDEFLOW_ACTOR or $USER)' },
    json: JSON_OPTION,
  },
  examples: ['tideflow models rollback penguins --reason "v5 regressed"'],
  async run(args, io) {
    const name = positional(args, 0);
    return guarded(io, async (r, store) => {
      const alias = checkedAlias(r, stringOption(args, 'alias') ?? 'champion');
      const reason = stringOption(args, 'reason') ?? 'rollback';
      const { event } = await r.rollbackAlias(store, { name, alias, reason, actor: actorOf(args, io) });
      if (flagOption(args, 'json')) printJson(io, { model: name, alias, ...event });
      else
        io.stdout.write(
          `${name}@${alias}: ${event.previousVersion ?? '(none)'} → ${event.version} (rolled back by ${event.actor}: ${event.reason})\n`,
        );
      return 0;
    });
  },
};

export const modelsLineage: Command = {
  name: 'models lineage',
  summary: 'Show the run, data, feature pipeline, params and exports behind a model version',
  positionals: [MODEL_POSITIONAL],
  options: {
    version: { type: 'string', value: 'n', description: 'the version (required)' },
    json: JSON_OPTION,
  },
  examples: ['tideflow models lineage penguins --version 3'],
  async run(args, io) {
    const name = positional(args, 0);
    const version = versionNumber(stringOption(args, 'version'), '--version');
    return guarded(io, async (r, store) => {
      const lin = await r.lineageOfVersion(store, name, version);
      if (flagOption(args, 'json')) {
        printJson(io, lin);
        return 0;
      }
      io.stdout.write(`${name} version ${version} (${lin.status})\n`);
      io.stdout.write(
        `  run       ${lin.run.dagId} ${lin.run.workflowId} (Temporal run ${lin.run.runId}, task ${lin.run.taskId}${lin.run.logicalDate ? `, logical date ${formatInstant(lin.run.logicalDate)}` : ''})\n`,
      );
      io.stdout.write(`  params    ${compactJson(lin.params)}\n`);
      io.stdout.write(`  metrics   ${metricsText(lin.metrics) || '-'}\n\n`);
      const rows = [
        ['model', lin.model.uri, lin.model.sha256.slice(0, 12), String(lin.model.bytes)],
        ...(lin.featurePipeline
          ? [['feature pipeline', lin.featurePipeline.uri, lin.featurePipeline.sha256.slice(0, 12), String(lin.featurePipeline.bytes)]]
          : []),
        ...lin.trainingData.map((d) => ['training data', d.uri, d.sha256.slice(0, 12), String(d.bytes)]),
        ...Object.entries(lin.exports ?? {}).map(([format, d]) => [`${format} export`, d.uri, d.sha256.slice(0, 12), String(d.bytes)]),
      ];
      io.stdout.write(table(['ROLE', 'ARTIFACT', 'SHA256', 'BYTES'], rows, { indent: '  ' }));
      return 0;
    });
  },
};

export const modelsCommands: readonly Command[] = [modelsList, modelsShow, modelsPromote, modelsRollback, modelsLineage, modelsExport];
