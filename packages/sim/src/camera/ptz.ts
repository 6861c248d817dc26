import type { PtzAction } from '@bsm/protocol';
import { PTZ_CROP_TARGET } from './scene.js';
import {
  DEFAULT_VIEWPORT,
  cropExpressions,
  isMotionAction,
  stillMotion,
  viewportAt,
  type CropExpressions,
  type Motion,
  type Viewport,
} from './viewport.js';

/** How often a running zoom re-sends the crop width (ffmpeg applies one stdin command per 100 ms). */
export const ZOOM_UPDATE_MS = 250;

export interface SimulatedPtzOptions {
  /** Receives filter commands for every running encoder of the camera, e.g. `crop@ptz -1 x iw*0.5-ow/2`. */
  send: (command: string) => void;
  log?: (message: string) => void;
  now?: () => number;
  initial?: Viewport;
}

/**
 * PTZ of one simulated camera: continuous moves until stop, presets, and the
 * crop commands that make the running encoders show it.
 */
export class SimulatedPtz {
  private motion: Motion;
  private readonly presets = new Map<number, Viewport>();
  private zoomTimer: ReturnType<typeof setInterval> | undefined;
  private readonly now: () => number;

  constructor(private readonly options: SimulatedPtzOptions) {
    this.now = options.now ?? Date.now;
    this.motion = stillMotion(options.initial ?? DEFAULT_VIEWPORT, this.now());
  }

  get viewport(): Viewport {
    return viewportAt(this.motion, this.now());
  }

  /** The action in progress, or null when still. */
  get moving(): PtzAction | null {
    return this.motion.until === null ? this.motion.action : null;
  }

  get presetNumbers(): number[] {
    return [...this.presets.keys()].sort((a, b) => a - b);
  }

  /** Crop expressions for an encoder starting now. */
  crop(): CropExpressions {
    return cropExpressions(this.motion, this.now());
  }

  act(action: PtzAction, speed: number): void {
    if (action === 'stop') {
      this.stop();
      return;
    }
    if (!isMotionAction(action)) {
      // The simulated lens has a fixed focus and iris: accepted so clients behave as with a real camera.
      this.options.log?.(`ptz ${action} (speed ${speed}) ignored: the simulated lens has no focus or iris`);
      return;
    }
    const now = this.now();
    this.clearZoomTimer();
    this.motion = { from: viewportAt(this.motion, now), action, speed, since: now, until: null };
    if (action === 'zoom_in' || action === 'zoom_out') {
      this.zoomTimer = setInterval(() => this.sendCrop(['w']), ZOOM_UPDATE_MS);
      this.sendCrop(['w']);
    } else {
      this.sendCrop(action === 'left' || action === 'right' ? ['x'] : ['y']);
    }
  }

  stop(): void {
    const now = this.now();
    this.clearZoomTimer();
    if (this.motion.action !== null && this.motion.until === null) {
      // A pan keeps its expression, now bounded by `until`, so frames already
      // past the stop do not jump; the next action re-anchors from here.
      this.motion = { ...this.motion, until: now };
    }
    this.sendCrop(['w', 'x', 'y']);
  }

  setPreset(preset: number): Viewport {
    const v = this.viewport;
    this.presets.set(preset, v);
    return v;
  }

  /** Jumps to a stored preset; false when it was never set. */
  gotoPreset(preset: number): boolean {
    const target = this.presets.get(preset);
    if (target === undefined) {
      return false;
    }
    this.clearZoomTimer();
    this.motion = stillMotion(target, this.now());
    this.sendCrop(['w', 'x', 'y']);
    return true;
  }

  dispose(): void {
    this.clearZoomTimer();
  }

  private sendCrop(params: Array<keyof CropExpressions>): void {
    const crop = this.crop();
    for (const param of params) {
      this.options.send(`${PTZ_CROP_TARGET} -1 ${param} ${crop[param]}`);
    }
  }

  private clearZoomTimer(): void {
    if (this.zoomTimer !== undefined) {
      clearInterval(this.zoomTimer);
      this.zoomTimer = undefined;
    }
  }
}
