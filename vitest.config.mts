import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Starts one Temporal dev server + MinIO for the whole run (see tests/setup/global-setup.ts).
    globalSetup: ['tests/setup/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
    // Forks, not threads: the Temporal worker's native core bridge is happiest in its own process.
    pool: 'forks',
    // 2-core machines, and integration tests share one stack (task queues, buckets): one file at a time.
    fileParallelism: false,
  },
});
