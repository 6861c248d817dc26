/**
 * Pure analysis of the av-sync bench: where the simulated camera's flash box
 * is, when the flash and the beep start as the browser presented them, and how
 * they pair. No I/O, so every rule here is unit-tested.
 *
 * The camera (packages/sim/src/camera/scene.ts) lights a white box in the
 * top-right corner for the first 100 ms of every second of video time and
 * sounds a 1 kHz tone for the first 100 ms of every second of audio time.
 */
import { percentile } from './stats.js';

export interface BoxRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The flash and the beep of scene.ts, at its reference width (352, CIF); other widths scale. */
export const FLASH = {
  refWidth: 352,
  /** Edge of the square box at the reference width. */
  size: 32,
  /** Gap to the top and right edges of the frame at the reference width. */
  margin: 8,
  /** Both the flash and the beep last this long, once a period. */
  durationSec: 0.1,
  periodSec: 1,
} as const;

/** The flash box in pixels of a frame `width` wide, rounded as scene.ts rounds it. */
export function flashBox(width: number): BoxRect {
  const u = width / FLASH.refWidth;
  const size = Math.round(FLASH.size * u);
  const margin = Math.round(FLASH.margin * u);
  return { x: width - size - margin, y: margin, w: size, h: size };
}

/** One frame the browser presented, with the brightness of the flash box (luma 0–255). */
export interface FrameObservation {
  /** The frame's timestamp, seconds of media time. */
  mediaTime: number;
  /** When the browser expected it on screen, ms on the performance.now() clock. */
  displayAtMs: number;
  /** Darkest pixel inside the box: the flash is white all over, the scene below it never is. */
  minLuma: number;
}

export interface FlashOnset {
  mediaTime: number;
  displayAtMs: number;
}

export interface FlashOptions {
  /**
   * A frame is lit when even its darkest box pixel is at least this bright. Default 180: halfway between the
   * scene under the box (its darkest pixel reads about 105 on the sub stream) and the flash (255).
   */
  litMinLuma?: number;
  /** Nominal frame period, s; by default the median gap between consecutive frames' media times. */
  framePeriodSec?: number;
}

function median(values: number[]): number {
  return percentile(values, 50);
}

/**
 * The first presented frame of each flash. An onset counts only when the frame
 * presented just before it was dark and exactly one frame period earlier in
 * media time: if the browser skipped the frame in between, the flash may have
 * begun on the skipped frame, and the onset would be a frame late for reasons
 * that are not A/V sync.
 */
export function flashOnsets(frames: readonly FrameObservation[], options: FlashOptions = {}): FlashOnset[] {
  const litMinLuma = options.litMinLuma ?? 180;
  const gaps: number[] = [];
  for (let i = 1; i < frames.length; i++) {
    const gap = (frames[i]?.mediaTime ?? 0) - (frames[i - 1]?.mediaTime ?? 0);
    if (gap > 0) {
      gaps.push(gap);
    }
  }
  const period = options.framePeriodSec ?? median(gaps);
  const onsets: FlashOnset[] = [];
  for (let i = 1; i < frames.length; i++) {
    const prev = frames[i - 1];
    const frame = frames[i];
    if (prev === undefined || frame === undefined) {
      continue;
    }
    const gap = frame.mediaTime - prev.mediaTime;
    const adjacent = gap > 0.5 * period && gap < 1.5 * period;
    if (frame.minLuma >= litMinLuma && prev.minLuma < litMinLuma && adjacent) {
      onsets.push({ mediaTime: frame.mediaTime, displayAtMs: frame.displayAtMs });
    }
  }
  return onsets;
}

/** Peak level of one Web Audio render quantum of the element's audio. */
export interface AudioBlock {
  /** The quantum's first sample, in sample frames of the audio context's clock. */
  frame: number;
  /** Largest |sample| in the quantum, 0–1. */
  peak: number;
}

/** The page sends quanta as one flat array, [frame, peak, frame, peak, …], to keep the messages small. */
export function audioBlocks(flat: readonly number[]): AudioBlock[] {
  const blocks: AudioBlock[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    blocks.push({ frame: flat[i] ?? 0, peak: flat[i + 1] ?? 0 });
  }
  return blocks;
}

export interface BeepOptions {
  /** A quantum is loud when its peak reaches this share of the beep's level (the 97th percentile of peaks). */
  relativeThreshold?: number;
  /** Below this absolute peak nothing is a beep (a silent stream has no beeps, whatever its percentiles). */
  floor?: number;
  /** Silence needed before an onset, s: shorter than the 0.9 s gap between beeps, longer than codec ringing. */
  quietBeforeSec?: number;
}

/**
 * The context time (s) at which each beep starts: the first loud quantum after
 * at least `quietBeforeSec` of contiguous quiet ones. The resolution is one
 * quantum (128 samples, 2.7 ms at 48 kHz), far finer than a video frame.
 */
export function beepOnsets(blocks: readonly AudioBlock[], sampleRate: number, options: BeepOptions = {}): number[] {
  const relative = options.relativeThreshold ?? 0.3;
  const floor = options.floor ?? 0.005;
  const quietSamples = (options.quietBeforeSec ?? 0.3) * sampleRate;
  // Beeps fill a tenth of the time, so the 97th percentile is a beep's level.
  const level = percentile(
    blocks.map((b) => b.peak),
    97,
  );
  const threshold = Math.max(floor, relative * (Number.isNaN(level) ? 0 : level));
  const onsets: number[] = [];
  let quietSince: number | null = null;
  let expected: number | null = null;
  for (const block of blocks) {
    if (expected !== null && block.frame !== expected) {
      // A hole in the record: what happened in it is unknown.
      quietSince = null;
    }
    expected = block.frame + 128;
    if (block.peak >= threshold) {
      if (quietSince !== null && block.frame - quietSince >= quietSamples) {
        onsets.push(block.frame / sampleRate);
      }
      quietSince = null;
    } else {
      quietSince ??= block.frame;
    }
  }
  return onsets;
}

/** The page's clocks, read together every 100 ms. */
export interface ClockSample {
  /** performance.now() at the reading. */
  perfMs: number;
  /** AudioContext.currentTime: the next quantum to be rendered. */
  contextTime: number;
  /** getOutputTimestamp(): the context time being heard at `outputPerfMs` (0, 0 when the browser does not know). */
  outputContextTime: number;
  outputPerfMs: number;
  baseLatency: number;
  outputLatency: number;
}

export type AudioClockMethod = 'output-timestamp' | 'latency';

function nearest<T>(items: readonly T[], key: (item: T) => number, target: number): T | undefined {
  let best: T | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const item of items) {
    const distance = Math.abs(key(item) - target);
    if (distance < bestDistance) {
      best = item;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * When a sample rendered at context time `contextTime` is heard, on the
 * performance.now() clock. Preferably from the output timestamp (the browser's
 * own mapping of what the device plays when); without one, from currentTime
 * plus the latencies the context declares.
 */
export function heardAtMs(
  contextTime: number,
  clocks: readonly ClockSample[],
): { perfMs: number; method: AudioClockMethod } | null {
  const stamped = clocks.filter((c) => c.outputPerfMs > 0 && c.outputContextTime > 0);
  const ref = nearest(stamped, (c) => c.outputContextTime, contextTime);
  if (ref !== undefined) {
    return { perfMs: ref.outputPerfMs + (contextTime - ref.outputContextTime) * 1000, method: 'output-timestamp' };
  }
  const plain = nearest(clocks, (c) => c.contextTime, contextTime);
  if (plain === undefined) {
    return null;
  }
  return {
    perfMs: plain.perfMs + (contextTime - plain.contextTime + plain.baseLatency + plain.outputLatency) * 1000,
    method: 'latency',
  };
}

/**
 * When Web Audio rendered the sample at `contextTime` (pulled it from the
 * element), on the performance.now() clock: the moment the context's
 * currentTime passed it, before the context's base and output latency.
 */
export function renderedAtMs(contextTime: number, clocks: readonly ClockSample[]): number | null {
  const ref = nearest(clocks, (c) => c.contextTime, contextTime);
  return ref === undefined ? null : ref.perfMs + (contextTime - ref.contextTime) * 1000;
}

export interface Pair<V, A> {
  video: V;
  audio: A;
}

/**
 * Pairs each video onset with the nearest audio onset within `maxGap` (half
 * the period is the most that makes sense: beyond it the nearest beep is the
 * neighbouring flash's, and an offset could not be told from its complement).
 * Each audio onset serves one video onset at most, the closer one. Sorted by
 * video onset.
 */
export function pairNearest<V, A>(
  video: readonly V[],
  audio: readonly A[],
  videoAt: (item: V) => number,
  audioAt: (item: A) => number,
  maxGap: number,
): Pair<V, A>[] {
  const bestFor = new Map<number, { videoIndex: number; distance: number }>();
  video.forEach((v, videoIndex) => {
    const t = videoAt(v);
    let audioIndex = -1;
    let distance = Number.POSITIVE_INFINITY;
    audio.forEach((a, i) => {
      const d = Math.abs(audioAt(a) - t);
      if (d < distance) {
        audioIndex = i;
        distance = d;
      }
    });
    if (audioIndex < 0 || distance > maxGap) {
      return;
    }
    const held = bestFor.get(audioIndex);
    if (held === undefined || distance < held.distance) {
      bestFor.set(audioIndex, { videoIndex, distance });
    }
  });
  const pairs: Pair<V, A>[] = [];
  for (const [audioIndex, { videoIndex }] of bestFor) {
    const v = video[videoIndex];
    const a = audio[audioIndex];
    if (v !== undefined && a !== undefined) {
      pairs.push({ video: v, audio: a });
    }
  }
  return pairs.sort((p, q) => videoAt(p.video) - videoAt(q.video));
}

export interface OffsetSummary {
  pairs: number;
  offset_p50_ms: number;
  offset_p95_abs_ms: number;
  offset_max_abs_ms: number;
}

/** Signed median, and 95th percentile and maximum of the magnitude, of offsets in ms. */
export function summarizeOffsets(offsetsMs: readonly number[]): OffsetSummary {
  const abs = offsetsMs.map((o) => Math.abs(o));
  return {
    pairs: offsetsMs.length,
    offset_p50_ms: percentile([...offsetsMs], 50),
    offset_p95_abs_ms: percentile(abs, 95),
    offset_max_abs_ms: abs.length === 0 ? Number.NaN : Math.max(...abs),
  };
}
