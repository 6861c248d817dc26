import type { PtzAction } from '@bsm/protocol';

export type PresetOp = 'goto' | 'set';

/** One camera's pan/tilt/zoom and lens, whatever speaks to it (ONVIF, the simulator…). */
export interface PtzDriver {
  /** Starts a continuous move (or lens action) at `speed` (0–1) until `stop()`; `stop` as an action stops. */
  move(action: PtzAction, speed: number): Promise<void>;
  stop(): Promise<void>;
  /** Goes to, or stores the current position as, preset `n` (1–255). */
  preset(op: PresetOp, n: number): Promise<void>;
  /** Releases connections (nothing to do for most drivers). */
  close?(): Promise<void>;
}
