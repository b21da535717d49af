/**
 * The hostile census (issue 14's "Done when"): `npx tsx bench/hostile/census.ts [--out file.json]`.
 *
 * Starts the real stack as `npm start` does (bench/hostile/stack.ts), trains and registers the
 * penguins model with one real ml_retrain run, snapshots the registry, then fires every bad input
 * of bench/hostile/*.ts at it: alerts, prediction requests, params from the CLI and the Temporal
 * client, hostile sources and artifacts, bad CLI arguments, concurrent registrations, promotions
 * and retrains, and a reused workflow id. Prints one line per case and the totals, then compares
 * the registry with the snapshot: no version lost or overwritten, no alias moved backwards.
 * Exits 1 when a case was not answered as expected or a data check failed.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { controllerWorkflowId } from '../../mlops/retrain-policy';
import { alertCases } from './alerts';
import { formatTable, runCase, totals, type CaseResult, type CaseSpec, type Probe } from './cases';
import { cliArgCases } from './cli-args';
import { artifactCases, sourceCases } from './files';
import { paramCases, reuseCases } from './params';
import { compareSnapshots, concurrencyCases, snapshot } from './registry';
import { serveCases } from './serve';
import { cli, startCensusStack, type CensusStack } from './stack';

const MODEL = 'penguins';
const log = (line: string): void => {
  process.stderr.write(`[census] ${new Date().toISOString().slice(11, 19)} ${line}\n`);
};

/** Runs cases `limit` at a time; results in the cases' order. */
async function runAll(cases: CaseSpec[], limit: number): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array<CaseResult>(cases.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < cases.length) {
      const i = next++;
      results[i] = await runCase(cases[i] as CaseSpec);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, cases.length) }, lane));
  return results;
}

/** One ml_retrain run to the end through the CLI; its workflow id. */
async function retrain(s: CensusStack, params: Record<string, unknown> = {}): Promise<{ probe: Probe; workflowId: string }> {
  const probe = await cli(s, ['trigger', 'ml_retrain', '--wait', '--json', '--params', JSON.stringify(params)], 900_000);
  const id = /"workflowId":\s*"([^"]+)"/.exec(probe.text) ?? /workflow id:\s+(\S+)/.exec(probe.text);
  return { probe, workflowId: id?.[1] ?? '' };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  const started = Date.now();
  const s = await startCensusStack(log);
  try {
    log('training the penguins model (ml_retrain) as the census target…');
    const first = await retrain(s);
    if (first.probe.status !== 'exit 0') throw new Error(`the first ml_retrain run failed: ${first.probe.text.slice(-2000)}`);
    log(`registered by ${first.workflowId}; snapshot of the registry`);
    const before = await snapshot(s.store);

    const results: CaseResult[] = [];
    const slow = runAll(
      [...alertCases(s, MODEL), ...serveCases(s, MODEL)].filter((c) => c.name.includes('loopback')),
      3,
    );
    const quick = (cases: CaseSpec[]): CaseSpec[] => cases.filter((c) => !c.name.includes('loopback'));
    const alerts = quick(alertCases(s, MODEL));
    const reportCase = alerts.filter((c) => c.name.includes('past the 100-alert cap'));
    log('alerts…');
    results.push(
      ...(await runAll(
        alerts.filter((c) => !reportCase.includes(c)),
        4,
      )),
      ...(await runAll(reportCase, 1)),
    );
    log('prediction server…');
    results.push(...(await runAll(quick(serveCases(s, MODEL)), 4)));
    log('params (CLI and Temporal client)…');
    results.push(...(await runAll(paramCases(s), 3)));
    log('hostile sources…');
    results.push(...(await runAll(sourceCases(s), 3)));
    log('artifacts…');
    results.push(...(await runAll(await artifactCases(s), 3)));
    log('CLI arguments…');
    results.push(...(await runAll(cliArgCases(s, MODEL, first.workflowId), 3)));
    log('registry concurrency…');
    results.push(...(await runAll(concurrencyCases(s.store, 'census-concurrent'), 1)));
    log('workflow ids from the Temporal client (a reused id retrains to the end)…');
    results.push(...(await runAll(reuseCases(s, first.workflowId, controllerWorkflowId(MODEL)), 1)));
    log('3 concurrent ml_retrain runs…');
    const runs = await Promise.all([11, 12, 13].map((seed) => retrain(s, { seed })));
    results.push(
      ...runs.map((r, i): CaseResult => ({
        group: 'registry',
        name: `concurrent ml_retrain #${i + 1}`,
        expect: 'exit 0',
        status: r.probe.status,
        asExpected: r.probe.status === 'exit 0',
        namesProblem: null,
        retryable: r.probe.retryable,
        crashed: r.probe.crashed ?? false,
        text: r.workflowId,
      })),
    );
    results.push(...(await slow));

    log('comparing the registry with the snapshot…');
    const { findings, checks } = compareSnapshots(before, await snapshot(s.store));
    const report = { results, findings, checks };
    console.log(formatTable(report));
    console.log(`\n(${((Date.now() - started) / 1000).toFixed(0)} s)`);
    if (values.out) writeFileSync(values.out, `${JSON.stringify({ totals: totals(report), ...report }, null, 2)}\n`);
    process.exitCode = findings.length > 0 || results.some((r) => !r.asExpected) ? 1 : 0;
  } finally {
    await s.close();
  }
}

main().catch((err: unknown) => {
  log(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
