/**
 * Unit files that replace a module with `vi.mock`. The other unit files share their worker
 * processes (`isolate: false` in vitest.config.mts): each worker imports the libraries once instead
 * of once a file (measured alone on the 2-core machine: 63 s → 45 s for the unit project). A mock,
 * though, only takes effect if the modules it reaches are not loaded yet, which in a shared worker
 * depends on the files that ran before (tests/serve/auth.test.ts failed in one of three shuffled
 * orders), so these run in fresh processes of their own (project unit-isolated).
 * tests/unit/unit-isolation.test.ts checks that every unit file calling vi.mock is listed.
 */
export const MOCKING_UNIT_TESTS = ['tests/serve/auth.test.ts'];

/** How server test files are named (*.int.test.ts, *.e2e.test.ts): the integration project's, never a unit file. */
export const SERVER_TEST_SUFFIXES = ['.int.test.ts', '.e2e.test.ts'];
