import type { AlarmInputEntry, AlarmSource, AlarmType, CameraEntry, DeviceEntry } from '@bsm/protocol';
import { exponentialDelayMs, weightedPick, type RandomSource } from './random.js';

/**
 * How often each alarm type comes up, relative to the others. Real branches
 * see mostly intrusion detectors, lost video and devices dropping off; panic
 * and duress buttons are rare. `test` alarms come from the center, never from
 * the panel.
 */
export const SIMULATED_TYPE_WEIGHTS: Record<AlarmType, number> = {
  intrusion: 30,
  video_loss: 25,
  device_offline: 20,
  video_tamper: 6,
  atm_tamper: 6,
  vault_door: 4,
  disk_failure: 3,
  fire: 1,
  panic: 2,
  duress: 1,
  test: 0,
};

/** What the panel reports, in the shape a branch agent raises alarms with. */
export interface SimulatedAlarm {
  type: AlarmType;
  source: AlarmSource;
  inputId?: string;
  zone?: string;
  text?: string;
  linkedCameras?: string[];
}

/** The few timer functions the panel uses, so tests can drive time by hand. */
export interface Scheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realScheduler: Scheduler = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface SimulatedAlarmPanelOptions {
  /** The branch's alarm inputs; types bound to an input (intrusion, panic, vault_door…) are raised through one. */
  inputs: ReadonlyArray<Pick<AlarmInputEntry, 'id' | 'name' | 'zone' | 'type' | 'linkedCameras'>>;
  /** Cameras, for video_loss / video_tamper. */
  cameras?: ReadonlyArray<Pick<CameraEntry, 'id' | 'name'>>;
  /** Devices, for device_offline / disk_failure. */
  devices?: ReadonlyArray<Pick<DeviceEntry, 'id' | 'name' | 'kind'>>;
  /** Mean number of alarms per hour (a Poisson process). */
  alarmsPerHour: number;
  /** Types the panel may raise; default: every type but `test`. */
  types?: readonly AlarmType[];
  /** Called for every alarm; a rejection goes to `onError` and the panel keeps going. */
  onAlarm: (alarm: SimulatedAlarm) => void | Promise<unknown>;
  onError?: (error: unknown) => void;
  random?: RandomSource;
  scheduler?: Scheduler;
}

/** Longest delay a Node timer accepts (about 24.8 days). */
const MAX_TIMER_MS = 2_147_483_647;

/** Types a panel reports from one of its inputs; the others are detected by the recorder or the agent itself. */
const INPUT_TYPES: ReadonlySet<AlarmType> = new Set([
  'intrusion',
  'panic',
  'duress',
  'vault_door',
  'atm_tamper',
  'fire',
]);

const RECORDERS: ReadonlySet<string> = new Set(['nvr', 'dvr']);

/**
 * A simulated alarm panel: raises alarms at Poisson-random times through a
 * callback, picking the type by {@link SIMULATED_TYPE_WEIGHTS} among the types
 * this branch can actually produce (an intrusion needs an intrusion input, a
 * video loss needs a camera…).
 */
export class SimulatedAlarmPanel {
  private readonly random: RandomSource;
  private readonly scheduler: Scheduler;
  private readonly candidates: ReadonlyArray<readonly [AlarmType, number]>;
  private timer: unknown = undefined;
  private running = false;
  private raised = 0;

  constructor(private readonly options: SimulatedAlarmPanelOptions) {
    if (!(options.alarmsPerHour >= 0) || !Number.isFinite(options.alarmsPerHour)) {
      throw new RangeError(`alarmsPerHour must be a finite number ≥ 0, got ${options.alarmsPerHour}`);
    }
    this.random = options.random ?? Math.random;
    this.scheduler = options.scheduler ?? realScheduler;
    const allowed = new Set(options.types ?? Object.keys(SIMULATED_TYPE_WEIGHTS));
    this.candidates = (Object.entries(SIMULATED_TYPE_WEIGHTS) as Array<[AlarmType, number]>).filter(
      ([type, weight]) => weight > 0 && allowed.has(type) && this.canProduce(type),
    );
  }

  /** Alarm types this panel can raise with its inputs, cameras and devices. */
  get types(): AlarmType[] {
    return this.candidates.map(([type]) => type);
  }

  /** How many alarms the panel has raised since it was made. */
  get count(): number {
    return this.raised;
  }

  start(): void {
    if (this.running) {
      return;
    }
    this.running = true;
    this.scheduleNext();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) {
      this.scheduler.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** Composes one random alarm (without raising it); undefined when this branch can produce none. */
  compose(): SimulatedAlarm | undefined {
    const type = weightedPick(this.candidates, this.random);
    if (type === undefined) {
      return undefined;
    }
    if (INPUT_TYPES.has(type)) {
      const input = this.pick(this.options.inputs.filter((i) => i.type === type));
      if (input === undefined) {
        return undefined;
      }
      return {
        type,
        source: type === 'panic' || type === 'duress' ? 'panic-button' : 'panel',
        inputId: input.id,
        zone: input.zone,
        text: `[模拟] ${input.name}`,
        linkedCameras: [...input.linkedCameras],
      };
    }
    if (type === 'video_loss' || type === 'video_tamper') {
      const camera = this.pick(this.options.cameras ?? []);
      if (camera === undefined) {
        return undefined;
      }
      const what = type === 'video_loss' ? '视频丢失' : '视频遮挡';
      return { type, source: 'system', text: `[模拟] ${what}：${camera.name}`, linkedCameras: [camera.id] };
    }
    const devices = (this.options.devices ?? []).filter((d) => type !== 'disk_failure' || RECORDERS.has(d.kind));
    const device = this.pick(devices);
    if (device === undefined) {
      return undefined;
    }
    const what = type === 'disk_failure' ? '硬盘故障' : '设备离线';
    return { type, source: 'system', text: `[模拟] ${what}：${device.name}` };
  }

  /** Raises one random alarm now, outside the schedule (demo buttons, tests). */
  async raiseNow(): Promise<SimulatedAlarm | undefined> {
    const alarm = this.compose();
    if (alarm !== undefined) {
      this.raised += 1;
      await this.options.onAlarm(alarm);
    }
    return alarm;
  }

  private canProduce(type: AlarmType): boolean {
    if (INPUT_TYPES.has(type)) {
      return this.options.inputs.some((i) => i.type === type);
    }
    if (type === 'video_loss' || type === 'video_tamper') {
      return (this.options.cameras ?? []).length > 0;
    }
    if (type === 'disk_failure') {
      return (this.options.devices ?? []).some((d) => RECORDERS.has(d.kind));
    }
    if (type === 'device_offline') {
      return (this.options.devices ?? []).length > 0;
    }
    return false;
  }

  private pick<T>(items: readonly T[]): T | undefined {
    return items[Math.floor(this.random() * items.length)];
  }

  private scheduleNext(): void {
    if (!this.running || this.options.alarmsPerHour === 0 || this.candidates.length === 0) {
      return;
    }
    const delay = exponentialDelayMs(this.options.alarmsPerHour, this.random);
    // A Poisson process has no memory: when the wait is longer than a timer
    // allows, wake up at the limit and draw a fresh wait.
    const clamped = delay > MAX_TIMER_MS;
    this.timer = this.scheduler.setTimeout(
      () => {
        this.timer = undefined;
        if (!this.running) {
          return;
        }
        if (!clamped) {
          this.raiseNow().catch((error: unknown) => this.options.onError?.(error));
        }
        this.scheduleNext();
      },
      clamped ? MAX_TIMER_MS : delay,
    );
  }
}
