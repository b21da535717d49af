/** Worker log lines (issue 14 friction): one line per event, no task tokens, errors as name and message. */
import { describe, expect, it } from 'vitest';
import { eventFields, formatJsonLine, formatLine } from '../../workers/log';

const failure = Object.assign(new Error('flaky failure on attempt 2\n    at work (activities.ts:10)'), { name: 'ApplicationFailure' });
const entry = {
  level: 'WARN' as const,
  message: 'Activity failed',
  timestampNanos: 1_733_300_000_123_000_000n,
  meta: {
    sdkComponent: 'activity',
    taskToken: 'CiQwMWEyNDI1NS00YTM4LTcxMTktODc1My1hM2UxOGFjYTVjMzASEXJ1bnMtY2xpLWRnd2dydy01',
    activityType: 'flaky',
    workflowId: 'wf 1',
    attempt: 2,
    error: failure,
    details: { nested: { deep: 'x'.repeat(1000) } },
  },
};

describe('worker log lines', () => {
  it('one terminal line: time, level, message, key=value; no task token', () => {
    const line = formatLine(entry);
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toMatch(/^2024-12-04T08:13:20\.123Z WARN {2}Activity failed activityType=flaky workflowId="wf 1" attempt=2 error=/);
    expect(line).toContain('ApplicationFailure: flaky failure on attempt 2 ⏎ at work');
    expect(line).not.toContain('CiQw');
    expect(line).not.toContain('taskToken');
  });

  it('one JSON object per file line, values shortened', () => {
    const json = formatJsonLine(entry);
    expect(json.split('\n')).toHaveLength(1);
    const parsed = JSON.parse(json) as Record<string, string>;
    expect(parsed).toMatchObject({ time: '2024-12-04T08:13:20.123Z', level: 'WARN', message: 'Activity failed', attempt: '2' });
    expect(parsed.taskToken).toBeUndefined();
    expect(parsed.details?.length).toBeLessThanOrEqual(301);
    expect(eventFields(undefined)).toEqual({});
  });
});
