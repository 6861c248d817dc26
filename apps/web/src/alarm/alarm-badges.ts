import type { AlarmView } from '@bsm/protocol';

/** The marks a queue row and the detail pane show beside the status. */
export const ALARM_BADGES = ['escalatedHere', 'escalatedUp', 'lateEscalation', 'latched', 'restored'] as const;
export type AlarmBadge = (typeof ALARM_BADGES)[number];

/**
 * Which marks apply, seen from this center: escalated here (a center below
 * did not acknowledge in time), escalated up (this center did not), late
 * (it came long after it was due), latched (panic/duress not reset),
 * restored (the branch's input is back to normal, the alarm still open).
 */
export function badgesOf(
  alarm: Pick<AlarmView, 'escalations' | 'lateEscalation' | 'latched' | 'restoredAt'>,
  centerId: string,
): AlarmBadge[] {
  const present: Record<AlarmBadge, boolean> = {
    escalatedHere: alarm.escalations.some((escalation) => escalation.to === centerId),
    escalatedUp: alarm.escalations.some((escalation) => escalation.from === centerId),
    lateEscalation: alarm.lateEscalation,
    latched: alarm.latched,
    restored: alarm.restoredAt !== null,
  };
  return ALARM_BADGES.filter((badge) => present[badge]);
}
