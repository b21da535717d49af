import { tmpdir } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Two projects:
 *  - unit: pure tests (no servers), files in parallel;
 *  - integration: files named *.int.test.ts or *.e2e.test.ts, against one real Temporal dev
 *    server + MinIO started for the run (tests/setup/global-setup.ts), one file at a time because
 *    they share that stack (task queues, buckets) on a 2-core machine.
 * `npx vitest run --project unit` runs the fast half alone.
 */
const SERVER_TESTS = ['tests/**/*.int.test.ts', 'tests/**/*.e2e.test.ts'];

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
      { extends: true, test: { name: 'unit', include: ['tests/**/*.test.ts'], exclude: SERVER_TESTS } },
      {
        extends: true,
        test: { name: 'integration', include: SERVER_TESTS, globalSetup: ['tests/setup/global-setup.ts'], fileParallelism: false },
      },
    ],
  },
});
