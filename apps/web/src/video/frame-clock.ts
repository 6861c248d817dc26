/**
 * Reads the wall-clock time a camera burnt into a decoded frame.
 *
 * `luma` is a plane of the whole frame at its native resolution, one byte per
 * pixel (0 black … 255 white), row-major: `luma[y * width + x]`, `width` ×
 * `height` being the frame's size. To keep it cheap only the rows of
 * `clock.band(width, height)` are filled (default: all rows); the others are 0.
 * Returns the camera's wall-clock time in ms since the epoch, or null when no
 * code is readable (then the cell shows no latency).
 *
 * The simulated cameras' block code (two rows of blocks near the bottom) is
 * decoded by packages/sim/src/camera/timestamp-code.ts: `decodeTimestamp(luma,
 * width, height)` has exactly this shape, with `band` from its
 * `quietZoneRect(width, height)`. A page plugs a decoder in with
 * `setFrameClock(decoder)` or by assigning `window.__bsmFrameClock` before the
 * wall starts (e.g. a benchmark's init script).
 */
export type FrameClock = ((luma: Uint8ClampedArray, width: number, height: number) => number | null) & {
  /** The rows the decoder needs, so only they are read from the GPU each frame. */
  band?: (width: number, height: number) => { top: number; rows: number };
};

declare global {
  interface Window {
    __bsmFrameClock?: FrameClock;
  }
}

let plugged: FrameClock | null = null;

export function setFrameClock(clock: FrameClock | null): void {
  plugged = clock;
}

export function getFrameClock(): FrameClock | null {
  if (plugged !== null) {
    return plugged;
  }
  return typeof window !== 'undefined' && typeof window.__bsmFrameClock === 'function' ? window.__bsmFrameClock : null;
}

/** Luma (BT.601) of RGBA pixels, into `out` when it has the right size. */
export function lumaOf(rgba: Uint8ClampedArray, out?: Uint8ClampedArray): Uint8ClampedArray {
  const pixels = rgba.length >> 2;
  const luma = out !== undefined && out.length === pixels ? out : new Uint8ClampedArray(pixels);
  for (let i = 0, p = 0; i < pixels; i += 1, p += 4) {
    luma[i] = (77 * (rgba[p] ?? 0) + 150 * (rgba[p + 1] ?? 0) + 29 * (rgba[p + 2] ?? 0)) >> 8;
  }
  return luma;
}

/** What the frame watcher reports for each presented frame. */
export interface PresentedFrame {
  /** Date.now() when the frame was handed to the compositor. */
  nowMs: number;
  /** performance.now()-clock time of presentation, for frame-rate measurement. */
  presentedAtMs: number;
  /** The burnt-in camera time, or null (no decoder plugged, or unreadable). */
  frameClockMs: number | null;
}

type VideoWithFrameCallback = HTMLVideoElement & {
  requestVideoFrameCallback?: (callback: (now: number, metadata: { presentationTime?: number }) => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

/**
 * Calls `onFrame` for every frame the video presents (requestVideoFrameCallback;
 * browsers without it get no per-frame report). When a FrameClock is plugged,
 * draws the clock's band of the frame to a small canvas and decodes it.
 * Returns a function that stops watching.
 */
export function watchFrames(video: HTMLVideoElement, onFrame: (frame: PresentedFrame) => void): () => void {
  const element = video as VideoWithFrameCallback;
  if (typeof element.requestVideoFrameCallback !== 'function') {
    return () => undefined;
  }
  let handle = 0;
  let stopped = false;
  let canvas: HTMLCanvasElement | null = null;
  let context: CanvasRenderingContext2D | null = null;
  let luma: Uint8ClampedArray | undefined;

  const readClock = (): number | null => {
    const clock = getFrameClock();
    const width = video.videoWidth;
    const height = video.videoHeight;
    if (clock === null || width === 0 || height === 0) {
      return null;
    }
    const wanted = clock.band?.(width, height) ?? { top: 0, rows: height };
    const top = Math.max(0, Math.min(height - 1, Math.floor(wanted.top)));
    const rows = Math.max(1, Math.min(height - top, Math.ceil(wanted.rows)));
    if (canvas === null) {
      canvas = document.createElement('canvas');
      context = canvas.getContext('2d', { willReadFrequently: true });
    }
    if (context === null) {
      return null;
    }
    if (canvas.width !== width || canvas.height !== rows) {
      canvas.width = width;
      canvas.height = rows;
    }
    if (luma?.length !== width * height) {
      luma = new Uint8ClampedArray(width * height);
    }
    try {
      context.drawImage(video, 0, top, width, rows, 0, 0, width, rows);
      lumaOf(context.getImageData(0, 0, width, rows).data, luma.subarray(top * width, (top + rows) * width));
      return clock(luma, width, height);
    } catch {
      return null;
    }
  };

  const onVideoFrame = (now: number, metadata: { presentationTime?: number }): void => {
    if (stopped) {
      return;
    }
    onFrame({ nowMs: Date.now(), presentedAtMs: metadata.presentationTime ?? now, frameClockMs: readClock() });
    handle = element.requestVideoFrameCallback?.(onVideoFrame) ?? 0;
  };
  handle = element.requestVideoFrameCallback(onVideoFrame);
  return () => {
    stopped = true;
    element.cancelVideoFrameCallback?.(handle);
  };
}
