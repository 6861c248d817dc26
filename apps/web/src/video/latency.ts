/**
 * Glass-to-glass latency of one decoded frame, ms: the center's "now" (this
 * browser's clock corrected by the offset the console measures against the
 * center, realtime/clock-offset.ts) minus the wall-clock time the camera burnt
 * into the frame. Null when the frame carries no readable time.
 */
export function frameLatencyMs(
  browserNowMs: number,
  clockOffsetMs: number,
  frameClockMs: number | null,
): number | null {
  if (frameClockMs === null || !Number.isFinite(frameClockMs)) {
    return null;
  }
  return Math.round(browserNowMs + clockOffsetMs - frameClockMs);
}

/** Frames presented in the last second, from their presentation times (ms, any monotonic clock). */
export class FpsMeter {
  private readonly times: number[] = [];

  constructor(private readonly windowMs = 1_000) {}

  frame(atMs: number): void {
    this.times.push(atMs);
    this.trim(atMs);
  }

  /** Frames per second over the window ending at `nowMs`; 0 when nothing was shown lately. */
  fps(nowMs: number): number {
    this.trim(nowMs);
    return Math.round((this.times.length * 1_000) / this.windowMs);
  }

  reset(): void {
    this.times.length = 0;
  }

  private trim(nowMs: number): void {
    while (this.times.length > 0 && (this.times[0] ?? 0) <= nowMs - this.windowMs) {
      this.times.shift();
    }
  }
}

/** Median of recent latencies, so the overlay does not flicker with every frame. */
export function medianOf(values: readonly number[]): number | null {
  if (values.length === 0) {
    return null;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? null)
    : Math.round(((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2);
}
