import type { AlarmView } from '@bsm/protocol';
import { awaitsAcknowledgement } from '../state/alarm-queue';

/**
 * What the console sounds, by priority: P1 an urgent tone that keeps going
 * until acknowledged, P2 a tone that repeats until acknowledged, P3/P4 one
 * chime on arrival (they can wait; the row still flashes).
 */
export type AlertTone = 'urgent' | 'repeat' | 'chime';
export type SustainedTone = Exclude<AlertTone, 'chime'>;

export function toneForPriority(priority: number): AlertTone {
  if (priority <= 1) {
    return 'urgent';
  }
  return priority === 2 ? 'repeat' : 'chime';
}

/** How often a sustained tone sounds again: the urgent one leaves no gap to miss, the repeating one reminds. */
export const SUSTAINED_INTERVAL_MS: Record<SustainedTone, number> = { urgent: 1_500, repeat: 10_000 };

/**
 * The tone that must keep sounding now: the most urgent among this center's
 * alarms not yet acknowledged. Derived from the queue, not from arrivals, so
 * it also sounds for an alarm waiting when the officer signs in and stops
 * when another officer acknowledges it.
 */
export function sustainedTone(queue: readonly AlarmView[]): SustainedTone | null {
  let tone: SustainedTone | null = null;
  for (const alarm of queue) {
    if (!awaitsAcknowledgement(alarm)) {
      continue;
    }
    const wanted = toneForPriority(alarm.priority);
    if (wanted === 'urgent') {
      return 'urgent';
    }
    if (wanted === 'repeat') {
      tone = 'repeat';
    }
  }
  return tone;
}

/** The one-off sound of an arrival; P1/P2 need none, their sustained tone starts at once. */
export const arrivalTone = (priority: number): 'chime' | null =>
  toneForPriority(priority) === 'chime' ? 'chime' : null;
