/**
 * `tideflow models export <model> [--version N | --alias A] --format onnx [--out file]`: turn a
 * registered version into a portable ONNX file (ml/onnx), store it with the version (shown by
 * `models show` and lineage) and, with --out, write it locally. Without --version or --alias the
 * latest version is exported. A model that cannot be exported exactly is refused with the reason.
 */
import { writeFile } from 'node:fs/promises';
import { flagOption, positional, stringOption, JSON_OPTION, MODEL_POSITIONAL } from '../args';
import type { Command } from '../command';
import { cliConfig } from '../config';
import { CliError, EXIT, usageError } from '../errors';
import { printJson, type Io } from '../io';

async function openStore(io: Io) {
  const config = cliConfig(io.env);
  const { createS3Client } = await import('../../storage/s3-client');
  return { s3: createS3Client(config.s3), bucket: config.s3.bucket, prefix: config.s3.prefix };
}

export const modelsExport: Command = {
  name: 'models export',
  summary: 'Export a model version to ONNX (stored with the version; --out writes the file)',
  positionals: [MODEL_POSITIONAL],
  options: {
    version: { type: 'string', value: 'n', description: 'the version (default: the latest)' },
    alias: { type: 'string', value: 'alias', description: 'the version this alias names (e.g. champion)' },
    format: { type: 'string', value: 'format', description: 'onnx (the only format today)' },
    out: { type: 'string', value: 'file', description: 'also write the file here' },
    json: JSON_OPTION,
  },
  examples: [
    'tideflow models export penguins --alias champion --format onnx --out penguins.onnx',
    'tideflow models export penguins --version 3 --format onnx --json',
  ],
  async run(args, io) {
    const name = positional(args, 0);
    const format = stringOption(args, 'format');
    if (format !== 'onnx') throw usageError(`--format must be onnx${format === undefined ? ' (required)' : `, got '${format}'`}`);
    const versionText = stringOption(args, 'version');
    const aliasText = stringOption(args, 'alias');
    if (versionText !== undefined && aliasText !== undefined) throw usageError('give --version or --alias, not both');
    if (versionText !== undefined && !/^[1-9]\d*$/.test(versionText))
      throw usageError(`--version must be a positive integer, got '${versionText}'`);
    const store = await openStore(io);
    const [r, { exportRegisteredVersion }, { OnnxExportError }] = await Promise.all([
      import('../../registry'),
      import('../../activities/ml/export-model'),
      import('../../ml/onnx'),
    ]);
    try {
      const version =
        versionText !== undefined
          ? Number(versionText)
          : aliasText !== undefined
            ? (await r.getVersionByAlias(store, name, r.validateAliasName(aliasText))).version
            : await r.latestVersionNumber(store, name);
      if (version < 1) throw new CliError(`model ${name} has no version`, EXIT.failed);
      const done = await exportRegisteredVersion(store, name, version, 'onnx');
      const out = stringOption(args, 'out');
      if (out !== undefined) await writeFile(out, done.bytes);
      if (flagOption(args, 'json')) printJson(io, { model: name, version, format, artifact: done.artifact, ...(out && { out }) });
      else
        io.stdout.write(
          `${name} version ${version} → ONNX (${done.artifact.bytes} bytes, sha256 ${done.artifact.sha256.slice(0, 12)})\n` +
            `  stored  ${done.artifact.uri}\n${out ? `  written ${out}\n` : ''}`,
        );
      return 0;
    } catch (err) {
      if (err instanceof r.RegistryError || err instanceof OnnxExportError) throw new CliError(err.message, EXIT.failed);
      if (err instanceof Error && err.name === 'ModelDocumentError') throw new CliError(err.message, EXIT.failed);
      throw err;
    }
  },
};
