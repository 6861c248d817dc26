/**
 * DC-09 timestamps: `_HH:MM:SS,MM-DD-YYYY`, always UTC. The receiver compares them with its own clock so that a
 * recorded message cannot be replayed later (and a panel with a wrong clock is told the right time by a NAK).
 */
const PATTERN = /^_(\d{2}):(\d{2}):(\d{2}),(\d{2})-(\d{2})-(\d{4})$/;

const two = (n: number): string => String(n).padStart(2, '0');

/** `_HH:MM:SS,MM-DD-YYYY` of a date, in UTC. */
export function formatTimestamp(date: Date): string {
  return (
    `_${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())},` +
    `${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}-${date.getUTCFullYear()}`
  );
}

/** The time a `_HH:MM:SS,MM-DD-YYYY` field names; undefined when it is malformed or names no real time (02-30). */
export function parseTimestamp(text: string): Date | undefined {
  const match = PATTERN.exec(text);
  if (!match) {
    return undefined;
  }
  const [hh, mi, ss, mo, dd, yyyy] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(yyyy, mo - 1, dd, hh, mi, ss);
  const date = new Date(ms);
  // Date.UTC rolls 02-30 over to March; a field that does not survive the round trip is not a real time.
  if (formatTimestamp(date) !== text) {
    return undefined;
  }
  return date;
}

export interface TimestampWindow {
  /** How far the message's time may be ahead of the receiver's clock (DC-09: 20 s). */
  aheadSec: number;
  /** How far it may be behind (DC-09: 40 s; transmission and retries take time). */
  behindSec: number;
}

export const DC09_WINDOW: TimestampWindow = { aheadSec: 20, behindSec: 40 };

export function withinWindow(at: Date, now: Date, window: TimestampWindow): boolean {
  const offsetMs = at.getTime() - now.getTime();
  return offsetMs <= window.aheadSec * 1000 && offsetMs >= -window.behindSec * 1000;
}
