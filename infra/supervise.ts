/**
 * Keep a child of `npm start` alive: when it exits on its own (crash, OOM kill, killed by hand)
 * it is started again with exponential backoff (1 s → 30 s; reset after a minute of health).
 * An intentional stop() ends the supervision first, so shutdown never races a restart.
 */
import { describeExit, sleep, type ExitInfo } from './process';

export interface Supervised {
  stop(): Promise<void>;
}

export interface SuperviseOptions {
  name: string;
  /** Start the child; resolves once it runs, with a promise of its exit and a way to stop it. */
  start(): Promise<{ exited: Promise<ExitInfo>; stop(): Promise<void> }>;
  log?: (line: string) => void;
}

export async function supervise(o: SuperviseOptions): Promise<Supervised> {
  const log = o.log ?? ((line: string) => console.error(`[tideflow] ${line}`));
  let stopping = false;
  let current: { stop(): Promise<void> } | null = null;
  let backoffMs = 1_000;
  const watch = (child: { exited: Promise<ExitInfo>; stop(): Promise<void> }, startedAt: number): void => {
    current = child;
    void child.exited.then(async (info) => {
      if (stopping) return;
      if (Date.now() - startedAt > 60_000) backoffMs = 1_000; // it had been healthy for a while
      log(`${o.name} ${describeExit(info)}; restarting in ${backoffMs / 1000} s`);
      for (;;) {
        await sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 30_000);
        if (stopping) return;
        try {
          const started = Date.now();
          watch(await o.start(), started);
          log(`${o.name} restarted`);
          return;
        } catch (err) {
          log(
            `${o.name} did not restart: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}; next try in ${backoffMs / 1000} s`,
          );
        }
      }
    });
  };
  watch(await o.start(), Date.now());
  return {
    async stop(): Promise<void> {
      stopping = true;
      await current?.stop();
    },
  };
}
