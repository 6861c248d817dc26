import type { PtzAction, PtzRequest } from '@bsm/protocol';
import { ApiRequestError } from '../api/api-request-error';

/** A held direction or lens button is sent again this often; the camera stops by itself after its timeout. */
export const PTZ_REPEAT_MS = 1_000;

export interface PtzControlState {
  /** The move being held, or null. */
  active: Exclude<PtzAction, 'stop'> | null;
  /** Who holds the control lock when the center refused us (409 `ptz_locked`), else null. */
  lockedBy: string | null;
  /** The last other failure, for the panel. */
  error: string | null;
}

export type PtzSend = (request: PtzRequest) => Promise<void>;

/**
 * Press-and-hold PTZ for one camera:
 *   press(a)  → move a now, again every PTZ_REPEAT_MS while held
 *   release() → stop repeating, send `stop`
 *   press(b) while a is held → b replaces a (no stop in between)
 *   409 ptz_locked → repeating stops, lockedBy names the holder; the next success clears it
 */
export class PtzControl {
  private state: PtzControlState = { active: null, lockedBy: null, error: null };
  private timer: ReturnType<typeof setInterval> | undefined;
  private speed = 0.5;

  constructor(
    private readonly send: PtzSend,
    private readonly onChange: (state: PtzControlState) => void,
    private readonly repeatMs = PTZ_REPEAT_MS,
  ) {}

  getState(): PtzControlState {
    return this.state;
  }

  setSpeed(speed: number): void {
    this.speed = Math.min(1, Math.max(0, speed));
  }

  press(action: Exclude<PtzAction, 'stop'>): void {
    clearInterval(this.timer);
    this.update({ active: action });
    this.move(action);
    this.timer = setInterval(() => this.move(action), this.repeatMs);
  }

  release(): void {
    if (this.state.active === null) {
      return;
    }
    clearInterval(this.timer);
    this.timer = undefined;
    this.update({ active: null });
    this.dispatch({ kind: 'move', action: 'stop', speed: this.speed });
  }

  preset(op: 'goto' | 'set', preset: number): void {
    this.dispatch({ kind: 'preset', op, preset });
  }

  /** Leaving the panel: a held move is stopped. */
  dispose(): void {
    this.release();
    clearInterval(this.timer);
  }

  private move(action: Exclude<PtzAction, 'stop'>): void {
    this.dispatch({ kind: 'move', action, speed: this.speed });
  }

  private dispatch(request: PtzRequest): void {
    this.send(request).then(
      () => this.update({ lockedBy: null, error: null }),
      (error: unknown) => {
        if (error instanceof ApiRequestError && error.code === 'ptz_locked') {
          clearInterval(this.timer);
          this.timer = undefined;
          this.update({ active: null, lockedBy: error.message, error: null });
        } else {
          this.update({ error: error instanceof Error ? error.message : String(error) });
        }
      },
    );
  }

  private update(patch: Partial<PtzControlState>): void {
    const next = { ...this.state, ...patch };
    if (next.active !== this.state.active || next.lockedBy !== this.state.lockedBy || next.error !== this.state.error) {
      this.state = next;
      this.onChange(next);
    }
  }
}
