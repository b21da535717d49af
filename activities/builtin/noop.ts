/** Does nothing: joins, smoke tests and the orchestration-overhead benchmark. */
export async function noop(): Promise<void> {}
