/**
 * Per-version counters of the running rollout window, published to S3 for the rollout workflow's
 * guard checks (registry/rollout-store.ts). Each server counts what it answered since the window
 * (rollout id + step) began and rewrites its one snapshot whenever it changed, every `flushMs`;
 * the check sums every server's snapshot. So several server processes behind one rollout are
 * judged together, and a check sees each server's traffic at most `flushMs` late.
 */
import { randomUUID } from 'node:crypto';
import { bucketOf, emptyWindow, type Role, type WindowCounts } from '../mlops/rollout-guards';
import type { ArtifactStore } from '../registry';
import { writeStats } from '../registry/rollout-store';

interface Window {
  model: string;
  rolloutId: string;
  step: number;
  counts: WindowCounts;
  dirty: boolean;
}

export class RolloutStats {
  readonly server = randomUUID();
  private readonly windows = new Map<string, Window>();
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ArtifactStore,
    private readonly o: { flushMs: number; log: (line: string) => void },
  ) {}

  private window(model: string, rolloutId: string, step: number): Window {
    const key = `${model}\u0000${rolloutId}\u0000${step}`;
    let w = this.windows.get(key);
    if (!w) {
      // Only the model's current window is kept: an older one was flushed when it was replaced.
      for (const [k, old] of this.windows) if (old.model === model && !old.dirty) this.windows.delete(k);
      w = { model, rolloutId, step, counts: emptyWindow(), dirty: false };
      this.windows.set(key, w);
    }
    return w;
  }

  /** One answered request of a role, with its status and latency. */
  observe(model: string, rolloutId: string, step: number, role: Role, status: number, ms: number, scoringError: boolean): void {
    const c = this.window(model, rolloutId, step).counts[role];
    c.requests++;
    if (status >= 500 || scoringError) c.errors++;
    c.latency[bucketOf(ms)] = (c.latency[bucketOf(ms)] ?? 0) + 1;
    this.markDirty(model, rolloutId, step);
  }

  /** One shadow scoring of the candidate: rows compared with the stable answer and how many differed. */
  observeShadow(model: string, rolloutId: string, step: number, ok: boolean, ms: number, compared: number, disagreed: number): void {
    const c = this.window(model, rolloutId, step).counts.shadow;
    c.requests++;
    if (!ok) c.errors++;
    c.latency[bucketOf(ms)] = (c.latency[bucketOf(ms)] ?? 0) + 1;
    c.compared += compared;
    c.disagreed += disagreed;
    this.markDirty(model, rolloutId, step);
  }

  private markDirty(model: string, rolloutId: string, step: number): void {
    const w = this.window(model, rolloutId, step);
    w.dirty = true;
    this.timer ??= setTimeout(() => void this.flush(), this.o.flushMs);
  }

  /** Publish every changed window now; resolves when written (a failed write is retried at the next flush). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const changed = [...this.windows.values()].filter((w) => w.dirty);
    this.writing = this.writing.then(async () => {
      for (const w of changed) {
        w.dirty = false;
        const counts = JSON.parse(JSON.stringify(w.counts)) as WindowCounts;
        try {
          await writeStats(this.store, w.model, {
            server: this.server,
            rolloutId: w.rolloutId,
            step: w.step,
            at: new Date().toISOString(),
            counts,
          });
        } catch (err) {
          w.dirty = true;
          this.timer ??= setTimeout(() => void this.flush(), this.o.flushMs);
          this.o.log(`rollout stats of ${w.model}: write failed (${(err as Error).message}); retrying`);
        }
      }
    });
    return this.writing;
  }
}
