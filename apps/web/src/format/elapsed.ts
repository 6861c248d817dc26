export type ElapsedUnit = 'justNow' | 'seconds' | 'minutes' | 'hours' | 'days';

/**
 * How to say "how long ago" for a span: whole seconds under a minute (an
 * officer reads "12 s" on a fresh alarm), then minutes, hours, days. A span
 * below one second, or negative from residual clock skew, is "just now".
 */
export function elapsedParts(elapsedMs: number): { unit: ElapsedUnit; count: number } {
  const seconds = Math.floor(elapsedMs / 1000);
  if (seconds < 1) {
    return { unit: 'justNow', count: 0 };
  }
  if (seconds < 60) {
    return { unit: 'seconds', count: seconds };
  }
  if (seconds < 3_600) {
    return { unit: 'minutes', count: Math.floor(seconds / 60) };
  }
  if (seconds < 86_400) {
    return { unit: 'hours', count: Math.floor(seconds / 3_600) };
  }
  return { unit: 'days', count: Math.floor(seconds / 86_400) };
}
