/**
 * Before anything runs: render the placeholders of command, args and env ({{inputs.x}} are the
 * local paths the inputs will be downloaded to, {{outputs.y}} where the process writes), and
 * check the working directory. Mistakes here are the DAG's: non-retryable, naming the field.
 */
import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { FailureType, InputError } from '../../core/errors';
import { renderFields, TemplateError, type TemplateScope } from '../../core/template';
import { s3Location } from '../../storage/s3-uri';
import type { TaskContext } from '../context';
import { builtinValues } from './env';
import type { CommandInput } from './types';
import type { Layout } from './workdir';

/** Relative `cwd`s and the default working directory: the repository (or image) the worker runs from. */
const PROJECT_ROOT = resolve(__dirname, '..', '..');

export interface PreparedCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  /** Local path of each input, by name. */
  inputPaths: Record<string, string>;
  /** Each declared output: its file name and local path. */
  outputs: Record<string, { file: string; path: string }>;
}

export async function prepareCommand(input: CommandInput, ctx: TaskContext, l: Layout): Promise<PreparedCommand> {
  // Local paths the placeholders point at.
  const inputPaths: Record<string, string> = {};
  for (const [name, src] of Object.entries(input.inputs ?? {})) {
    const loc = s3Location(typeof src === 'string' ? src : src.uri);
    // The object's own file name (extension included, which some readers care about), never '.' or '..'.
    const base = basename(loc?.key ?? name);
    inputPaths[name] = join(l.inputs, name, base === '.' || base === '..' || base === '' ? name : base);
  }
  const outputs: Record<string, { file: string; path: string }> = {};
  for (const [name, file] of Object.entries(input.outputs ?? {})) outputs[name] = { file, path: join(l.outputs, file) };
  const scope: TemplateScope = {
    builtins: builtinValues(ctx, l.dir),
    params: ctx.params ?? {},
    vars: input.vars ?? {},
    inputs: inputPaths,
    outputs: Object.fromEntries(Object.entries(outputs).map(([n, o]) => [n, o.path])),
  };
  const { command, args, env } = render(input, scope);
  return { command, args, env, cwd: await resolveCwd(input.cwd), inputPaths, outputs };
}

function render(input: CommandInput, scope: TemplateScope): { command: string; args: string[]; env: Record<string, string> } {
  const args = input.args ?? [];
  const envEntries = Object.entries(input.env ?? {});
  try {
    const out = renderFields(
      [
        { where: 'command', text: input.command },
        ...args.map((text, i) => ({ where: `args[${i}]`, text })),
        ...envEntries.map(([k, text]) => ({ where: `env.${k}`, text })),
      ],
      scope,
    );
    const command = out[0] as string;
    if (command.trim() === '')
      throw new InputError(`command ${JSON.stringify(input.command)} renders to an empty string`, {
        type: FailureType.InvalidCommandInput,
      });
    return {
      command,
      args: out.slice(1, 1 + args.length),
      env: Object.fromEntries(envEntries.map(([k], i) => [k, out[1 + args.length + i] as string])),
    };
  } catch (err) {
    if (err instanceof TemplateError) throw new InputError(err.message, { type: FailureType.UnknownPlaceholder });
    throw err;
  }
}

async function resolveCwd(cwd: string | undefined): Promise<string> {
  const dir = resolve(PROJECT_ROOT, cwd ?? '.');
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) {
    throw new InputError(`cwd ${JSON.stringify(cwd)} (${dir}) ${st ? 'is not a directory' : 'does not exist'} on this worker`, {
      type: FailureType.InvalidCommandInput,
    });
  }
  return dir;
}
