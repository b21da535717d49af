/** The orchestration bench reads per-task latency of local activities from their markers' schedule times. */
import { describe, expect, it } from 'vitest';
import { analyzeHistory } from '../../bench/history';

const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const marker = (eventId: number, scheduledMs: number, wftCompletedEventId: number) => ({
  eventId,
  eventType: 25,
  eventTime: at(100_500),
  markerRecordedEventAttributes: {
    markerName: 'core_local_activity',
    workflowTaskCompletedEventId: wftCompletedEventId,
    details: {
      data: {
        payloads: [
          {
            // complete_time is deliberately unrelated: the analysis must not use it.
            data: Buffer.from(JSON.stringify({ seq: eventId, attempt: 1, complete_time: at(1), original_schedule_time: at(scheduledMs) })),
          },
        ],
      },
    },
  },
});

describe('local activity timings from history', () => {
  it('measures each task from one schedule to the next, the last to its workflow task completion', () => {
    const history = {
      events: [
        { eventId: 1, eventType: 1, eventTime: at(100_000) },
        { eventId: 2, eventType: 5, eventTime: at(100_001) },
        { eventId: 3, eventType: 6, eventTime: at(100_002) },
        { eventId: 4, eventType: 7, eventTime: at(100_100) },
        { eventId: 5, eventType: 25, eventTime: at(100_100), markerRecordedEventAttributes: { markerName: 'core_patch' } },
        marker(6, 100_010, 4),
        marker(7, 100_030, 4),
        marker(8, 100_045, 4),
        { eventId: 9, eventType: 2, eventTime: at(100_101) },
      ],
    };
    const t = analyzeHistory(history as never);
    expect(t.localActivities).toBe(3);
    expect(t.gapsMs.map((g) => Math.round(g))).toEqual([30, 15, 55]);
    expect(t.workflowTasks).toBe(1);
    expect(t.decideMs.every(Number.isNaN)).toBe(true);
  });
});
