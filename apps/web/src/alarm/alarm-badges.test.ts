import { describe, expect, it } from 'vitest';
import { alarmView } from '../test-support/fixtures';
import { badgesOf } from './alarm-badges';

const escalation = (from: string, to: string) => ({
  from,
  to,
  reason: 'deadline' as const,
  dueAt: '2025-01-01T08:01:00.000Z',
  at: '2025-01-01T08:01:00.100Z',
});

describe('badgesOf', () => {
  it('shows none on a plain alarm', () => {
    expect(badgesOf(alarmView(), 'fz')).toEqual([]);
  });

  it('tells an escalation that came here from one that went up, seen from each center', () => {
    const alarm = alarmView({ escalations: [escalation('fz-gl', 'fz'), escalation('fz', 'fj')] });
    expect(badgesOf(alarm, 'fz')).toEqual(['escalatedHere', 'escalatedUp']);
    expect(badgesOf(alarm, 'fj')).toEqual(['escalatedHere']);
    expect(badgesOf(alarm, 'fz-gl')).toEqual(['escalatedUp']);
  });

  it('marks a late escalation, a latched alarm and a restored input', () => {
    const alarm = alarmView({ lateEscalation: true, latched: true, restoredAt: '2025-01-01T08:02:00.000Z' });
    expect(badgesOf(alarm, 'fz')).toEqual(['lateEscalation', 'latched', 'restored']);
  });
});
