/**
 * Heartbeats from inside a CPU-bound loop: at most one per interval, and a cancellation
 * (seen by heartbeating tasks) stops the loop by throwing.
 */
import type { TaskContext } from '../context';

export function heartbeater(ctx: TaskContext, intervalMs = 1000): (details: unknown) => void {
  let last = 0;
  return (details) => {
    if (ctx.signal.aborted) throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('task cancelled');
    const now = Date.now();
    if (now - last < intervalMs) return;
    last = now;
    ctx.heartbeat(details);
  };
}
