/** Time left to a deadline as an officer reads it: "0:42", "1:02:03"; past it, the time since. */
export interface Countdown {
  /** m:ss, or h:mm:ss from an hour on. */
  clock: string;
  overdue: boolean;
}

const pad = (value: number): string => String(value).padStart(2, '0');

export function formatClock(totalSeconds: number): string {
  const hours = Math.floor(totalSeconds / 3_600);
  const minutes = Math.floor((totalSeconds % 3_600) / 60);
  const seconds = totalSeconds % 60;
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
}

/**
 * The countdown to `deadlineIso` at `nowMs` (the center's clock), or null
 * when there is no deadline. Seconds left round up, so "0:00" is never shown
 * while time remains; the deadline itself is already overdue.
 */
export function countdownTo(deadlineIso: string | null, nowMs: number): Countdown | null {
  if (deadlineIso === null) {
    return null;
  }
  const deadline = Date.parse(deadlineIso);
  if (Number.isNaN(deadline)) {
    return null;
  }
  const leftMs = deadline - nowMs;
  return leftMs > 0
    ? { clock: formatClock(Math.ceil(leftMs / 1000)), overdue: false }
    : { clock: formatClock(Math.floor(-leftMs / 1000)), overdue: true };
}
