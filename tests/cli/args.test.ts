import { describe, expect, it } from 'vitest';
import { flagOption, parseCommandArgs, positional, stringOption, type CommandSpec } from '../../cli/args';
import { CliError, closest, redactSecrets } from '../../cli/errors';
import { renderCommandHelp } from '../../cli/help';

const spec: CommandSpec = {
  name: 'trigger',
  summary: 'Start a run',
  positionals: [{ name: 'dag', description: "the DAG's id" }],
  options: {
    params: { type: 'string', value: 'json', description: 'params' },
    wait: { type: 'boolean', short: 'w', description: 'wait' },
  },
  examples: ['tideflow trigger x'],
};

function usageErrorOf(argv: string[]): CliError {
  try {
    parseCommandArgs(spec, argv);
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error(`expected a usage error for ${argv.join(' ')}`);
}

describe('parseCommandArgs', () => {
  it('reads positionals, string options and flags (long and short)', () => {
    const args = parseCommandArgs(spec, ['etl', '--params', '{"a":1}', '-w']);
    expect(positional(args, 0)).toBe('etl');
    expect(stringOption(args, 'params')).toBe('{"a":1}');
    expect(flagOption(args, 'wait')).toBe(true);
    expect(args.help).toBe(false);
  });

  it('accepts --opt=value and options before the positional', () => {
    const args = parseCommandArgs(spec, ['--params={}', 'etl']);
    expect(stringOption(args, 'params')).toBe('{}');
    expect(positional(args, 0)).toBe('etl');
    expect(flagOption(args, 'wait')).toBe(false);
  });

  it('answers --help / -h without checking positionals', () => {
    expect(parseCommandArgs(spec, ['--help']).help).toBe(true);
    expect(parseCommandArgs(spec, ['-h']).help).toBe(true);
  });

  it('rejects an unknown flag with exit 2, naming the command and the closest flag', () => {
    const err = usageErrorOf(['etl', '--parms', 'x']);
    expect(err.exitCode).toBe(2);
    expect(err.message).toBe("unknown option '--parms' for 'tideflow trigger' (did you mean --params?)");
    expect(err.hint).toBe("run 'tideflow trigger --help' for usage");
  });

  it('rejects a string option without a value, and a flag given one', () => {
    expect(usageErrorOf(['etl', '--params']).message).toMatch(/--params.*argument missing/);
    expect(usageErrorOf(['etl', '--wait=yes']).message).toMatch(/--wait' does not take an argument/);
  });

  it('rejects missing and extra positionals', () => {
    expect(usageErrorOf([]).message).toBe("missing <dag> for 'tideflow trigger': the DAG's id");
    expect(usageErrorOf(['a', 'b']).message).toBe("unexpected argument 'b' for 'tideflow trigger'");
  });
});

describe('help', () => {
  it('lists every option (with --help) and the example', () => {
    const help = renderCommandHelp(spec);
    expect(help).toContain('Usage: tideflow trigger <dag> [options]');
    expect(help).toMatch(/--params <json>\s+params/);
    expect(help).toMatch(/-w, --wait\s+wait/);
    expect(help).toMatch(/-h, --help\s+show this help/);
    expect(help).toContain('Example:\n  tideflow trigger x');
  });
});

describe('closest / redactSecrets', () => {
  it('suggests near misses only', () => {
    expect(closest('trgger', ['trigger', 'dags', 'runs'])).toBe('trigger');
    expect(closest('zzz', ['trigger', 'dags', 'runs'])).toBeUndefined();
  });

  it('replaces secret values from the environment', () => {
    const env = { AWS_SECRET_ACCESS_KEY: 's3cr3t-value', TEMPORAL_API_KEY: 'api-key-123' };
    expect(redactSecrets('key s3cr3t-value and api-key-123', env)).toBe('key <AWS_SECRET_ACCESS_KEY> and <TEMPORAL_API_KEY>');
  });
});
