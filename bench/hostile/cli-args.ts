/**
 * Hostile command lines for `deploy`, `runs retry` and `cache`: each must exit non-zero with a
 * message naming the bad argument (2 when the command line is wrong, 1 when what it names does
 * not exist or cannot be done), never a stack trace, and never start anything.
 */
import { exitCode, type CaseSpec } from './cases';
import { cli, type CensusStack } from './stack';

export function cliArgCases(s: CensusStack, model: string, succeededRun: string): CaseSpec[] {
  const c = (name: string, expect: number[], names: RegExp, args: string[]): CaseSpec => ({
    group: 'cli',
    name,
    expect: `exit ${expect.join('/')}`,
    accept: exitCode(...expect),
    names,
    run: () => cli(s, args),
  });
  return [
    c('deploy without --version/--alias', [2], /--version|--alias/, ['deploy', model]),
    c('deploy --version abc', [2], /version/, ['deploy', model, '--version', 'abc']),
    c('deploy --version 999 (no such version)', [1, 2], /999/, ['deploy', model, '--version', '999']),
    c('deploy of an unknown model', [1, 2], /no-such-model/, ['deploy', 'no-such-model', '--version', '1']),
    c('deploy ../etc', [1, 2], /model name|\.\.\/etc/, ['deploy', '../etc', '--version', '1']),
    c('deploy --steps 50,10', [2], /steps/, ['deploy', model, '--version', '1', '--steps', '50,10']),
    c('deploy --steps 10,50 (not ending at 100)', [2], /100/, ['deploy', model, '--version', '1', '--steps', '10,50']),
    c('deploy --bake forever', [2], /bake|forever/, ['deploy', model, '--version', '1', '--bake', 'forever']),
    c('deploy --strategy yolo', [2], /strategy|yolo/, ['deploy', model, '--version', '1', '--strategy', 'yolo']),
    c('deploy --max-error-rate 2', [2], /max-error-rate|maxErrorRate/, ['deploy', model, '--version', '1', '--max-error-rate', '2']),
    c('deploy --alias nosuchalias', [1, 2], /nosuchalias/, ['deploy', model, '--alias', 'nosuchalias']),
    c('deploy pause with no rollout', [1], /rollout|no .*running/i, ['deploy', 'pause', model]),
    c('runs retry of an unknown workflow id', [1, 2], /no-such-run/, ['runs', 'retry', 'no-such-run', '--no-wait']),
    c('runs retry of a succeeded run (no --from)', [1, 2], /--from|succeeded/, ['runs', 'retry', succeededRun, '--no-wait']),
    c('runs retry --from nosuchtask', [1, 2], /nosuchtask/, ['runs', 'retry', succeededRun, '--from', 'nosuchtask', '--no-wait']),
    c('runs retry --params with modelNmae', [1, 2], /modelNmae/, [
      'runs',
      'retry',
      succeededRun,
      '--from',
      'report',
      '--params',
      '{"modelNmae": "x"}',
      '--no-wait',
    ]),
    c('runs retry --params not JSON (no such file)', [2], /JSON|file/, ['runs', 'retry', succeededRun, '--params', '{oops']),
    c('cache ls --dag ../x', [2], /\.\.\/x/, ['cache', 'ls', '--dag', '../x']),
    c('cache clear --task ""', [2], /--task/, ['cache', 'clear', '--task', '']),
    c('cache ls --bogus', [2], /bogus/, ['cache', 'ls', '--bogus']),
    c('cache purge (no such subcommand)', [2], /purge|clear|ls/, ['cache', 'purge']),
  ];
}
