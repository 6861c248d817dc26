import { describe, expect, it } from 'vitest';
import { countdownTo, formatClock } from './countdown';

const deadline = '2025-01-01T08:01:00.000Z';
const at = (iso: string): number => Date.parse(iso);

describe('countdown to the acknowledgement deadline', () => {
  it('counts whole seconds left, rounding up', () => {
    expect(countdownTo(deadline, at('2025-01-01T08:00:00.000Z'))).toEqual({ clock: '1:00', overdue: false });
    expect(countdownTo(deadline, at('2025-01-01T08:00:18.400Z'))).toEqual({ clock: '0:42', overdue: false });
    expect(countdownTo(deadline, at('2025-01-01T08:00:59.900Z'))).toEqual({ clock: '0:01', overdue: false });
  });

  it('turns overdue at the deadline and counts the time since', () => {
    expect(countdownTo(deadline, at(deadline))).toEqual({ clock: '0:00', overdue: true });
    expect(countdownTo(deadline, at('2025-01-01T08:02:05.700Z'))).toEqual({ clock: '1:05', overdue: true });
  });

  it('shows hours past an hour', () => {
    expect(formatClock(3_723)).toBe('1:02:03');
    expect(formatClock(59)).toBe('0:59');
  });

  it('has nothing to show without a deadline or with a bad one', () => {
    expect(countdownTo(null, 0)).toBeNull();
    expect(countdownTo('soon', 0)).toBeNull();
  });
});
