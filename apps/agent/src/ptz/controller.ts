import type { PtzAction } from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import { CommandError } from '../command-error.js';
import type { CameraConfig, PtzControlConfig } from '../config.js';
import type { PresetOp, PtzDriver } from './driver.js';
import { OnvifPtz } from './onvif-ptz.js';
import { SimulatedPtz } from './simulated-ptz.js';

export interface PtzControllerOptions {
  logger: Logger;
  /** Builds a camera's driver; tests substitute a recording one. */
  driverFor?: (cameraId: string, control: PtzControlConfig) => PtzDriver;
}

interface Entry {
  driver: PtzDriver;
  /** Commands to one camera run one after another: a stop must not overtake the move it stops. */
  queue: Promise<unknown>;
  autoStop: NodeJS.Timeout | undefined;
}

export function defaultDriver(cameraId: string, control: PtzControlConfig): PtzDriver {
  return control.kind === 'onvif' ? new OnvifPtz(cameraId, control) : new SimulatedPtz(cameraId, control.controlUrl);
}

/**
 * The branch's PTZ: which camera has which driver, one command at a time per camera, and a dead man's switch: a
 * continuous move stops by itself after the command's `timeoutMs` unless another PTZ command arrives, so a lost
 * `stop` (link down, officer's browser closed) never leaves a camera spinning.
 */
export class PtzController {
  private readonly entries = new Map<string, Entry>();
  private readonly known: Set<string>;

  constructor(
    cameras: readonly CameraConfig[],
    private readonly options: PtzControllerOptions,
  ) {
    this.known = new Set(cameras.map((c) => c.id));
    const driverFor = options.driverFor ?? defaultDriver;
    for (const camera of cameras) {
      if (camera.ptzControl) {
        this.entries.set(camera.id, {
          driver: driverFor(camera.id, camera.ptzControl),
          queue: Promise.resolve(),
          autoStop: undefined,
        });
      }
    }
  }

  /** Starts a continuous move (or stops, for `stop`), armed to stop by itself after `timeoutMs`. */
  async move(cameraId: string, action: PtzAction, speed: number, timeoutMs: number): Promise<void> {
    const entry = this.entry(cameraId);
    this.disarm(entry);
    if (action === 'stop') {
      await this.run(entry, () => entry.driver.stop());
      return;
    }
    // Armed before the request: if the camera acts on it but the answer is lost, it still stops.
    entry.autoStop = setTimeout(() => this.autoStop(cameraId, entry, timeoutMs), timeoutMs);
    await this.run(entry, () => entry.driver.move(action, speed));
  }

  async preset(cameraId: string, op: PresetOp, n: number): Promise<void> {
    const entry = this.entry(cameraId);
    // Going to a preset replaces any continuous move; no stop should cut it short.
    this.disarm(entry);
    await this.run(entry, () => entry.driver.preset(op, n));
  }

  /** Stops every camera that may still be moving and releases the drivers. */
  async close(): Promise<void> {
    const pending: Array<Promise<unknown>> = [];
    for (const entry of this.entries.values()) {
      if (entry.autoStop) {
        this.disarm(entry);
        pending.push(this.run(entry, () => entry.driver.stop()).catch(() => undefined));
      }
      pending.push(entry.queue.then(() => entry.driver.close?.()).catch(() => undefined));
    }
    await Promise.all(pending);
  }

  private entry(cameraId: string): Entry {
    const entry = this.entries.get(cameraId);
    if (entry) {
      return entry;
    }
    if (this.known.has(cameraId)) {
      throw new CommandError('no_ptz', `camera "${cameraId}" has no PTZ`);
    }
    throw new CommandError('unknown_camera', `no camera "${cameraId}" at this branch`);
  }

  private autoStop(cameraId: string, entry: Entry, timeoutMs: number): void {
    entry.autoStop = undefined;
    this.options.logger.info({ cameraId, timeoutMs }, 'ptz: no command within the timeout; stopping the camera');
    this.run(entry, () => entry.driver.stop()).catch((error: unknown) =>
      this.options.logger.warn({ err: error, cameraId }, 'ptz: automatic stop failed'),
    );
  }

  private disarm(entry: Entry): void {
    clearTimeout(entry.autoStop);
    entry.autoStop = undefined;
  }

  private run<T>(entry: Entry, op: () => Promise<T>): Promise<T> {
    const result = entry.queue.then(op);
    entry.queue = result.catch(() => undefined);
    return result;
  }
}
