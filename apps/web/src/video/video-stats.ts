/**
 * Per-frame figures of each wall cell, readable by a benchmark page:
 *
 *   window.__bsmVideoStats[cellIndex]  // VideoStatSample[], oldest first
 *
 * One sample per presented frame: `latencyMs` (null unless a FrameClock is
 * plugged and read the frame) and `fps` (frames presented in the last second).
 * The array keeps the last MAX_SAMPLES; it is emptied when the cell gets
 * another camera or closes. `readVideoStats(i)` returns the same array.
 */
export interface VideoStatSample {
  /** Date.now() of the frame. */
  at: number;
  cameraId: string;
  latencyMs: number | null;
  fps: number;
}

export const MAX_SAMPLES = 5_000;

declare global {
  interface Window {
    __bsmVideoStats?: Record<number, VideoStatSample[]>;
  }
}

const stats = (): Record<number, VideoStatSample[]> | null => {
  if (typeof window === 'undefined') {
    return null;
  }
  window.__bsmVideoStats ??= {};
  return window.__bsmVideoStats;
};

export function recordVideoStat(cellIndex: number, sample: VideoStatSample): void {
  const all = stats();
  if (all === null) {
    return;
  }
  const samples = (all[cellIndex] ??= []);
  samples.push(sample);
  if (samples.length > MAX_SAMPLES) {
    samples.splice(0, samples.length - MAX_SAMPLES);
  }
}

export function clearVideoStats(cellIndex: number): void {
  const all = stats();
  if (all !== null) {
    all[cellIndex] = [];
  }
}

export const readVideoStats = (cellIndex: number): readonly VideoStatSample[] => stats()?.[cellIndex] ?? [];
