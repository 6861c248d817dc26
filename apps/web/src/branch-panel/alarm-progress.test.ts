import { describe, expect, it } from 'vitest';
import { alarmView } from '../test-support/fixtures';
import { branchAlarmProgress, progressSteps } from './alarm-progress';

const officer = { by: 'fz-op', byName: '值班员 张伟', node: 'fz', at: '2025-01-01T08:00:10.000Z' };
const lit = (steps: ReturnType<typeof progressSteps>): string[] => steps.filter((s) => s.done).map((s) => s.stage);

describe('branchAlarmProgress', () => {
  it('says the center has it while nobody has taken it', () => {
    expect(branchAlarmProgress(alarmView({ status: 'new' }))).toMatchObject({ stage: 'received', officer: null });
  });

  it('names the officer handling it and the center they work at', () => {
    for (const status of ['acknowledged', 'verifying', 'on_hold'] as const) {
      expect(branchAlarmProgress(alarmView({ status, owner: officer }))).toMatchObject({
        stage: 'handling',
        officer: '值班员 张伟',
        officerCenter: 'fz',
      });
    }
  });

  it('falls back to the user name when the officer has no display name', () => {
    const { byName: _, ...plain } = officer;
    expect(branchAlarmProgress(alarmView({ status: 'verifying', owner: plain })).officer).toBe('fz-op');
  });

  it('tells help is on the way once dispatched, and who closed it with which disposition', () => {
    expect(branchAlarmProgress(alarmView({ status: 'dispatched', owner: officer })).stage).toBe('dispatched');
    const closer = { ...officer, by: 'fj-op', byName: '省中心 李娜', node: 'fj' };
    expect(
      branchAlarmProgress(alarmView({ status: 'closed', owner: officer, closedBy: closer, disposition: 'genuine' })),
    ).toMatchObject({ stage: 'closed', officer: '省中心 李娜', officerCenter: 'fj', disposition: 'genuine' });
  });

  it('shows a false alarm or a test as assessed, and flags escalation and latching', () => {
    expect(branchAlarmProgress(alarmView({ status: 'false_alarm', owner: officer })).stage).toBe('resolved');
    expect(branchAlarmProgress(alarmView({ status: 'test', owner: officer })).stage).toBe('resolved');
    const escalated = alarmView({
      type: 'panic',
      latched: true,
      escalations: [{ from: 'fz', to: 'fj', reason: 'immediate', dueAt: officer.at, at: officer.at }],
    });
    expect(branchAlarmProgress(escalated)).toMatchObject({ escalated: true, latched: true });
  });
});

describe('progressSteps', () => {
  it('lights the steps up to where the alarm is', () => {
    expect(lit(progressSteps('sending'))).toEqual(['sending']);
    expect(lit(progressSteps('received'))).toEqual(['sending', 'received']);
    expect(lit(progressSteps('handling'))).toEqual(['sending', 'received', 'handling']);
    expect(lit(progressSteps('dispatched'))).toEqual(['sending', 'received', 'handling', 'dispatched']);
    expect(progressSteps('handling').find((s) => s.current)?.stage).toBe('handling');
  });

  it('shows "assessed" instead of "dispatched" for an alarm found false, before and after closing', () => {
    expect(lit(progressSteps('resolved'))).toEqual(['sending', 'received', 'handling', 'resolved']);
    expect(progressSteps('closed', 'false_alarm').map((s) => s.stage)).toEqual([
      'sending',
      'received',
      'handling',
      'resolved',
      'closed',
    ]);
    expect(progressSteps('closed', 'genuine').map((s) => s.stage)).toContain('dispatched');
    expect(progressSteps('closed', 'genuine').every((s) => s.done)).toBe(true);
  });
});
