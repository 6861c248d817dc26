import type { PtzAction } from '@bsm/protocol';

/**
 * Where a simulated camera looks: a rectangle over a scene twice as wide and
 * twice as high as the output picture, in normalized scene coordinates (0…1)
 * so that the main and the sub-stream, whose canvases differ in pixels, show
 * the same view. `zoom` 1 shows the whole scene; 2 (the default) shows a
 * quarter of it at one scene pixel per output pixel.
 */
export interface Viewport {
  cx: number;
  cy: number;
  zoom: number;
}

export const ZOOM_MIN = 1;
export const ZOOM_MAX = 8;
export const DEFAULT_VIEWPORT: Viewport = { cx: 0.5, cy: 0.5, zoom: 2 };

/** Pan speed at speed 1, in view widths per second (like a real PTZ: slower when zoomed in). */
export const PAN_VIEWS_PER_SECOND = 1;
/** Zoom speed at speed 1: the zoom factor doubles (or halves) every second. */
export const ZOOM_OCTAVES_PER_SECOND = 1;

export type MotionAction = Extract<PtzAction, 'left' | 'right' | 'up' | 'down' | 'zoom_in' | 'zoom_out'>;

export function isMotionAction(action: PtzAction): action is MotionAction {
  return ['left', 'right', 'up', 'down', 'zoom_in', 'zoom_out'].includes(action);
}

/**
 * A viewport moving (or not) since `since` (ms since the epoch), until `until`
 * when stopped. The same description yields the JavaScript position and the
 * ffmpeg crop expressions, so the picture and `GET /cameras` agree.
 */
export interface Motion {
  from: Viewport;
  action: MotionAction | null;
  speed: number;
  since: number;
  until: number | null;
}

export function stillMotion(at: Viewport, now: number): Motion {
  return { from: clampViewport(at), action: null, speed: 0, since: now, until: null };
}

function clamp(value: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, value));
}

/** Keeps the zoom in range and the view inside the scene. */
export function clampViewport(v: Viewport): Viewport {
  const zoom = clamp(v.zoom, ZOOM_MIN, ZOOM_MAX);
  const half = 1 / zoom / 2;
  return { cx: clamp(v.cx, half, 1 - half), cy: clamp(v.cy, half, 1 - half), zoom };
}

/** Seconds the motion has run at `now` (it stops counting at `until`). */
function elapsed(m: Motion, now: number): number {
  const end = m.until === null ? now : Math.min(now, m.until);
  return Math.max(0, end - m.since) / 1000;
}

/** Pan velocity in scene units per second along x and y. */
function panVelocity(m: Motion): { vx: number; vy: number } {
  const rate = (m.speed * PAN_VIEWS_PER_SECOND) / m.from.zoom;
  switch (m.action) {
    case 'left':
      return { vx: -rate, vy: 0 };
    case 'right':
      return { vx: rate, vy: 0 };
    case 'up':
      return { vx: 0, vy: -rate };
    case 'down':
      return { vx: 0, vy: rate };
    default:
      return { vx: 0, vy: 0 };
  }
}

export function viewportAt(m: Motion, now: number): Viewport {
  const dt = elapsed(m, now);
  if (m.action === 'zoom_in' || m.action === 'zoom_out') {
    const sign = m.action === 'zoom_in' ? 1 : -1;
    return clampViewport({ ...m.from, zoom: m.from.zoom * 2 ** (sign * m.speed * ZOOM_OCTAVES_PER_SECOND * dt) });
  }
  const { vx, vy } = panVelocity(m);
  return clampViewport({ cx: m.from.cx + vx * dt, cy: m.from.cy + vy * dt, zoom: m.from.zoom });
}

/** The three crop parameters the scene's `crop@ptz` filter takes, as ffmpeg expressions. */
export interface CropExpressions {
  w: string;
  x: string;
  y: string;
}

const num = (n: number): string => String(Number(n.toFixed(6)));

/**
 * ffmpeg expressions for the crop filter. The crop sits where the frame time
 * `t` is the wall clock in seconds (see scene.ts), so a pan is ONE command: x
 * (or y) is a function of `t` that ffmpeg evaluates on every frame, clamped to
 * the scene exactly like {@link viewportAt}. Width is only evaluated when the
 * filter is (re)configured, so a zoom is sent as a series of fixed widths; the
 * height follows the width through the expression the scene sets up.
 */
export function cropExpressions(m: Motion, now: number): CropExpressions {
  const zooming = m.action === 'zoom_in' || m.action === 'zoom_out';
  const v = zooming ? viewportAt(m, now) : m.from;
  const half = 1 / v.zoom / 2;
  const axis = (size: 'iw' | 'ih', out: 'ow' | 'oh', start: number, velocity: number): string => {
    if (velocity === 0 || zooming) {
      return `${size}*${num(clamp(zooming ? (size === 'iw' ? v.cx : v.cy) : start, half, 1 - half))}-${out}/2`;
    }
    const t0 = num(m.since / 1000);
    const t = m.until === null ? 't' : `min(t,${num(m.until / 1000)})`;
    return `${size}*clip(${num(start)}+${num(velocity)}*(max(${t}-${t0},0)),${num(half)},${num(1 - half)})-${out}/2`;
  };
  const { vx, vy } = panVelocity(m);
  return {
    w: `iw*${num(1 / v.zoom)}`,
    x: axis('iw', 'ow', m.from.cx, vx),
    y: axis('ih', 'oh', m.from.cy, vy),
  };
}
