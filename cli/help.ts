/** Render help text from command specs (the same specs the parser reads). */
import { HELP_OPTION, type CommandSpec, type OptionSpec } from './args';
import { columns } from './format';

function optionLabel(name: string, o: OptionSpec): string {
  const short = o.short !== undefined ? `-${o.short}, ` : '    ';
  return `${short}--${name}${o.type === 'string' ? ` <${o.value ?? 'value'}>` : ''}`;
}

export function renderCommandHelp(spec: CommandSpec): string {
  const positionals = spec.positionals ?? [];
  const usage = ['tideflow', spec.name, ...positionals.map((p) => `<${p.name}>`), Object.keys(spec.options).length > 0 ? '[options]' : '']
    .filter(Boolean)
    .join(' ');
  const lines = [`Usage: ${usage}`, '', spec.summary];
  if (positionals.length > 0) {
    lines.push('', 'Arguments:', ...columns(positionals.map((p) => [`<${p.name}>`, p.description])));
  }
  const options = [...Object.entries(spec.options), ['help', HELP_OPTION] as const];
  lines.push('', 'Options:', ...columns(options.map(([name, o]) => [optionLabel(name, o), o.description])));
  if (spec.examples.length > 0)
    lines.push('', spec.examples.length === 1 ? 'Example:' : 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return `${lines.join('\n')}\n`;
}

/** Help of a group such as `tideflow dags`: its subcommands. */
export function renderGroupHelp(group: string, summary: string, commands: readonly CommandSpec[]): string {
  const lines = [
    `Usage: tideflow ${group} <command> [options]`,
    '',
    summary,
    '',
    'Commands:',
    ...columns(commands.map((c) => [c.name.slice(group.length + 1), c.summary])),
    '',
    `Run 'tideflow ${group} <command> --help' for a command's options.`,
  ];
  return `${lines.join('\n')}\n`;
}

export function renderTopHelp(commands: readonly CommandSpec[]): string {
  const lines = [
    'Usage: tideflow <command> [options]',
    '',
    'Tideflow: DAGs of ML tasks, run on Temporal.',
    '',
    'Commands:',
    ...columns(commands.map((c) => [c.name, c.summary])),
    '',
    'Global options:',
    ...columns([
      ['-h, --help', 'show help (also after any command)'],
      ['-V, --version', 'print the tideflow version'],
    ]),
    '',
    'Configuration comes from the environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,',
    'TIDEFLOW_TASK_QUEUE, TIDEFLOW_UI_URL (Web UI base URL for run links), AWS_* for S3.',
    '',
    "Rollouts: 'tideflow deploy <model> --version N' starts one; 'tideflow deploy status|pause|resume|abort|promote <model>' steer it.",
    '',
    "Run 'tideflow <command> --help' for a command's options.",
  ];
  return `${lines.join('\n')}\n`;
}
