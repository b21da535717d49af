/**
 * Namespaces the test stack creates beside the default one, each for one test file that syncs
 * schedules. Schedule sync is namespace-wide: `syncSchedules` (client/schedules.ts) deletes every
 * tideflow-* schedule that is not in the list it is given, and these files check the exact list of
 * changes ("create t_interval and t_retries", "Changed n of n"). In a namespace of its own, each
 * file's syncs (and its afterAll clean-up, which syncs an empty list) see only its own schedules,
 * so the files run beside the others instead of one at a time on a stack of their own. Their runs
 * stay out of the default namespace too (tests/cli/runs-commands counts the manual t_backfill runs
 * there).
 */
export const OWN_NAMESPACES = ['schedules', 'dst-intervals', 'backfill', 'backfill-cli'] as const;

export type OwnNamespace = (typeof OWN_NAMESPACES)[number];
