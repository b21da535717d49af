/**
 * Issue 14 frictions, on the real dev server: `runs list` says when it stopped at --limit and
 * uses the same status words as `runs show`; `runs cancel` (no Temporal CLI needed); the
 * `state` query lists the task states before the resolved params.
 */
import { expect, it } from 'vitest';
import { startDagRun } from '../../client/runs';
import type { RunView } from '../../core/run-view';
import { dag } from '../backfill/helpers';
import { useHarnessWithWorker } from '../integration/harness';
import { runCliInProcess } from './in-process';

const h = useHarnessWithWorker('runs-cli');

const cli = (...args: string[]) => runCliInProcess(args, { ...process.env, ...h.env });

const tag = Math.random().toString(36).slice(2, 8);
// This file's runs are the only manual runs of t_backfill in the default namespace: other files
// that run at the same time start it by backfill or drift (tests/backfill/backfill.int.test.ts,
// which starts a manual one, runs in a namespace of its own). Listing `--trigger manual` keeps
// their runs, started and finished while these lists page, out of the totals and pages checked here.
const MINE = ['--trigger', 'manual'];
const start = (n: number, ms: number) =>
  startDagRun(h.client, dag, {
    taskQueue: h.taskQueue,
    logicalDate: `2018-01-0${n}T00:00:00Z`,
    params: { ms },
    workflowId: `runs-cli-${tag}-${n}`,
  });

it('runs list: success (as runs show says), and a hint with the total when --limit cuts the list', async () => {
  for (const n of [1, 2, 3]) await (await start(n, 10)).result();
  const since = new Date(Date.now() - 600_000).toISOString();
  let listed = { code: 0, out: '', err: '' };
  for (let i = 0; i < 50 && !/Showing runs 1-2 of 3 /.test(listed.err); i++) {
    listed = await cli('runs', 'list', '--dag', dag.id, ...MINE, '--status', 'success', '--since', since, '--limit', '2');
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(listed.code).toBe(0);
  expect(listed.err).toMatch(/Showing runs 1-2 of 3 matching \(newest first\)\. Next page:\n {2}npx tideflow runs list .* --next /);
  expect(listed.out).toMatch(new RegExp(`runs-cli-${tag}-3\\s+t_backfill\\s+2018-01-03 00:00:00Z\\s+manual\\s+success`));
  expect(listed.out).not.toContain('completed');
  const all = await cli('runs', 'list', '--dag', dag.id, ...MINE, '--since', since, '--limit', '3', '--json');
  // Only the paging hint may reach stderr.
  expect(all.err.replace(/^Showing runs \d+-\d+ of \d+ matching.*\n {2}npx tideflow runs list .*\n?/m, '')).toBe('');
  expect((JSON.parse(all.out) as { status: string }[]).map((r) => r.status)).toEqual(['success', 'success', 'success']);
  const shown = await cli('runs', 'show', `runs-cli-${tag}-3`);
  expect(shown.out).toMatch(/Status:\s+success/);
});

it('the state query answers with the task states before the params', async () => {
  const handle = await start(4, 3000);
  const view = await handle.query<RunView>('state');
  const keys = Object.keys(view);
  expect(keys.slice(0, 4)).toEqual(['dagId', 'workflowId', 'status', 'tasks']);
  expect(keys.indexOf('tasks')).toBeLessThan(keys.indexOf('params'));
  await handle.cancel();
});

it('runs cancel: cancels a running run (--wait reports it), refuses an ended or unknown one', async () => {
  const handle = await start(5, 20_000);
  const cancelled = await cli('runs', 'cancel', handle.workflowId, '--wait');
  expect(cancelled.code, cancelled.err).toBe(0);
  expect(cancelled.out).toContain(`Run '${handle.workflowId}' ended cancelled.`);
  expect((await handle.describe()).status.name).toBe('CANCELLED');
  const again = await cli('runs', 'cancel', handle.workflowId);
  expect(again.code).toBe(1);
  expect(again.err).toContain('has already ended (cancelled); nothing to cancel');
  const unknown = await cli('runs', 'cancel', `no-such-run-${tag}`);
  expect(unknown.code).toBe(1);
  expect(unknown.err).toContain(`no run with workflow id 'no-such-run-${tag}'`);
});

/** The command a `runs list` hint prints for the next page, as argv for runCli. */
function nextCommand(err: string): string[] | undefined {
  const line = /^ {2}npx tideflow (runs list .*)$/m.exec(err)?.[1];
  return line?.split(' ').map((w) => w.replace(/^'(.*)'$/, '$1'));
}

it('runs list pages with --next: the hint is the exact next command, pages never overlap, the last one has no hint', async () => {
  const since = new Date(Date.now() - 1000).toISOString();
  const mine = [6, 7, 8].map((n) => `runs-cli-${tag}-${n}`);
  for (const n of [6, 7, 8]) await (await start(n, 10)).result();
  const filters = ['--dag', dag.id, ...MINE, '--status', 'success', '--since', since];
  for (let i = 0; i < 50; i++) {
    const all = await cli('runs', 'list', ...filters, '--json');
    if (mine.every((id) => all.out.includes(id))) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  let argv: string[] | undefined = ['runs', 'list', ...filters, '--limit', '1'];
  const seen: string[] = [];
  let pages = 0;
  let total = 0;
  while (argv !== undefined) {
    const page = await cli(...argv);
    expect(page.code, page.err).toBe(0);
    pages++;
    seen.push(...[...page.out.matchAll(/^(\S+)\s+t_backfill/gm)].map((m) => m[1] as string));
    const shown = /Showing runs (\d+)-(\d+) of (\d+)/.exec(page.err);
    if (shown) {
      expect(Number(shown[1])).toBe(pages);
      total = Number(shown[3]);
      // Exactly the filters given, the same --limit, and the token.
      expect(page.err).toMatch(
        new RegExp(
          `npx tideflow runs list --dag t_backfill --status success --since \\S+ --trigger manual --limit 1 --next ${pages}\\.[A-Za-z0-9_-]+$`,
          'm',
        ),
      );
    }
    argv = nextCommand(page.err);
    expect(pages).toBeLessThan(100);
  }
  expect(new Set(seen).size).toBe(seen.length);
  for (const id of mine) expect(seen).toContain(id);
  expect(seen.length).toBe(total);
  // Newest first across pages.
  expect(seen.indexOf(mine[2] as string)).toBeLessThan(seen.indexOf(mine[0] as string));
});

it('runs list --next refuses what is not a page token, naming where tokens come from', async () => {
  const bad = await cli('runs', 'list', '--next', 'not a token');
  expect(bad.code).toBe(2);
  expect(bad.err).toContain("--next 'not a token' is not a page token: copy it from the hint of a previous 'tideflow runs list'");
});
