import type { PtzAction } from '@bsm/protocol';

/** What one protocol action asks of an ONVIF camera. */
export type OnvifMotion =
  /** PTZ service ContinuousMove; pan x (+ right), tilt y (+ up), zoom (+ in), each −1…1. */
  | { service: 'ptz'; x: number; y: number; zoom: number }
  /** Imaging service Move (continuous focus); + far, − near. */
  | { service: 'focus'; speed: number }
  | { service: 'stop' }
  /** No continuous iris move in ONVIF (iris is an exposure setting). */
  | { service: 'unsupported'; reason: string };

/** Below this a camera does not visibly move; a move command must move. */
export const MIN_SPEED = 0.05;

/** Maps an action and a speed (0–1) to ONVIF velocities. Pure, unit-tested. */
export function onvifMotion(action: PtzAction, speed: number): OnvifMotion {
  const v = round(Math.min(1, Math.max(MIN_SPEED, speed)));
  switch (action) {
    case 'left':
      return { service: 'ptz', x: -v, y: 0, zoom: 0 };
    case 'right':
      return { service: 'ptz', x: v, y: 0, zoom: 0 };
    case 'up':
      return { service: 'ptz', x: 0, y: v, zoom: 0 };
    case 'down':
      return { service: 'ptz', x: 0, y: -v, zoom: 0 };
    case 'zoom_in':
      return { service: 'ptz', x: 0, y: 0, zoom: v };
    case 'zoom_out':
      return { service: 'ptz', x: 0, y: 0, zoom: -v };
    case 'focus_far':
      return { service: 'focus', speed: v };
    case 'focus_near':
      return { service: 'focus', speed: -v };
    case 'iris_open':
    case 'iris_close':
      return {
        service: 'unsupported',
        reason: 'ONVIF has no continuous iris move (iris is an exposure setting of the imaging service)',
      };
    case 'stop':
      return { service: 'stop' };
  }
}

/** Three decimals: what cameras accept, and stable in tests. */
function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
