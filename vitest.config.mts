import { availableParallelism, tmpdir } from 'node:os';
import { defineConfig } from 'vitest/config';
import { MOCKING_UNIT_TESTS, SERVER_TEST_SUFFIXES } from './tests/setup/unit-isolation';

/**
 * Two kinds of project, run one after the other (`sequence.groupOrder`):
 *  - unit (and unit-isolated, see MOCKING_UNIT_TESTS): pure tests (no servers), UNIT_FILES files at
 *    a time;
 *  - integration: files named *.int.test.ts or *.e2e.test.ts, against one real Temporal dev
 *    server + MinIO started for the run (tests/setup/global-setup.ts), INTEGRATION_FILES files at
 *    a time. They share that stack, so each file keeps to its own names: a random task queue per
 *    harness (tests/integration/harness.ts), random model names, S3 prefixes and workflow ids, its
 *    own dates for deterministic backfill run ids, and for the files that sync schedules (which is
 *    namespace-wide) a namespace of their own (tests/setup/namespaces.ts). Most of their time is
 *    spent waiting (timers, retries, deletions, child processes), which is why several at once pay
 *    on 2 cores.
 * Why one after the other: vitest 4 runs each group order as one pool with one worker limit
 * (projects of one order must have the same maxWorkers), so projects in one order share its slots
 * rather than adding theirs; measured with the projects in one order, the whole run took 854 s
 * (unit files took integration files' slots).
 * `npx vitest run --project 'unit*'` runs the fast half alone; `--project integration` the server half.
 */
const SERVER_TESTS = SERVER_TEST_SUFFIXES.map((suffix) => `tests/**/*${suffix}`);

/**
 * Integration files at a time, chosen by measurement on the 2-core, 24 GiB machine. Session 12,
 * quiet machine, whole `npx vitest run` from fresh clones one after another: at 2, 556 s (the
 * integration project 476 s of it, its files' own times summing to 709 s); at 3 (with the unit
 * files' shared workers), 476 s (integration 419 s, files summing to 879 s: CPU-bound steps slow
 * each other down, yet the waits overlap more). Earlier runs on busier machines: 807 s at 4 and
 * 736 s at 2 for the server projects, files summing to 2,611 s at 4. 3 keeps the slowdown of the
 * files that run fits under heartbeat and test timeouts moderate on CI's 2 cores.
 */
const INTEGRATION_FILES = 3;

/**
 * Unit files at a time: vitest's default is one fewer than the CPUs, so one at a time on CI's 2
 * cores. Pure tests wait on nothing, so one file per core; with the workers shared between files
 * (`isolate: false`, tests/setup/unit-isolation.ts) the unit project took 45 s alone on the 2-core
 * machine in session 12.
 */
const UNIT_FILES = Math.max(2, availableParallelism());

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    // Forks, not threads: the Temporal worker's native core bridge is happiest in its own process.
    pool: 'forks',
    // Tests write their local data sources under the OS temp dir: the one local root they may read (TIDEFLOW_FILE_ROOTS).
    env: { TIDEFLOW_FILE_ROOTS: tmpdir() },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: [...SERVER_TESTS, ...MOCKING_UNIT_TESTS],
          maxWorkers: UNIT_FILES,
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        // Same group order and worker limit as `unit` (vitest 4 runs one order as one pool).
        test: { name: 'unit-isolated', include: MOCKING_UNIT_TESTS, maxWorkers: UNIT_FILES, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: SERVER_TESTS,
          globalSetup: ['tests/setup/global-setup.ts'],
          maxWorkers: INTEGRATION_FILES,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
