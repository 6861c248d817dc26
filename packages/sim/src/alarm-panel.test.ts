import type { AlarmType } from '@bsm/protocol';
import { describe, expect, it } from 'vitest';
import { SimulatedAlarmPanel, type Scheduler, type SimulatedAlarm } from './alarm-panel.js';
import { seededRandom } from './random.js';

/** A scheduler driven by hand: `fire()` runs the one pending timer and returns its delay. */
class ManualScheduler implements Scheduler {
  private pending: { fn: () => void; ms: number; handle: number } | undefined;
  private nextHandle = 1;
  delays: number[] = [];

  setTimeout(fn: () => void, ms: number): unknown {
    if (this.pending) {
      throw new Error('the panel scheduled a second timer while one was pending');
    }
    this.pending = { fn, ms, handle: this.nextHandle++ };
    return this.pending.handle;
  }

  clearTimeout(handle: unknown): void {
    if (this.pending?.handle === handle) {
      this.pending = undefined;
    }
  }

  get armed(): boolean {
    return this.pending !== undefined;
  }

  fire(): number {
    const timer = this.pending;
    if (!timer) {
      throw new Error('no timer pending');
    }
    this.pending = undefined;
    this.delays.push(timer.ms);
    timer.fn();
    return timer.ms;
  }
}

const inputs = [
  {
    id: 'b1.in-panic',
    name: '柜台紧急按钮',
    zone: 'counter',
    type: 'panic' as const,
    linkedCameras: ['b1.cam-counter'],
  },
  { id: 'b1.in-duress', name: '胁迫按钮', zone: 'counter', type: 'duress' as const, linkedCameras: [] },
  { id: 'b1.in-vault', name: '金库门磁', zone: 'vault', type: 'vault_door' as const, linkedCameras: ['b1.cam-vault'] },
  { id: 'b1.in-hall', name: '营业厅红外', zone: 'hall', type: 'intrusion' as const, linkedCameras: ['b1.cam-hall'] },
  { id: 'b1.in-atm', name: 'ATM 防撬', zone: 'atm', type: 'atm_tamper' as const, linkedCameras: [] },
];
const cameras = [
  { id: 'b1.cam-counter', name: '现金柜台' },
  { id: 'b1.cam-vault', name: '金库' },
];
const devices = [
  { id: 'b1.nvr', name: 'NVR', kind: 'nvr' as const },
  { id: 'b1.panel', name: '报警主机', kind: 'alarm_panel' as const },
];

async function flushMicrotasks(): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
}

function runPanel(
  seed: number,
  events: number,
  extra: Partial<ConstructorParameters<typeof SimulatedAlarmPanel>[0]> = {},
) {
  const scheduler = new ManualScheduler();
  const alarms: SimulatedAlarm[] = [];
  const panel = new SimulatedAlarmPanel({
    inputs,
    cameras,
    devices,
    alarmsPerHour: 2,
    random: seededRandom(seed),
    scheduler,
    onAlarm: (a) => {
      alarms.push(a);
    },
    ...extra,
  });
  panel.start();
  for (let i = 0; i < events; i++) {
    scheduler.fire();
  }
  panel.stop();
  return { alarms, delays: scheduler.delays, scheduler, panel };
}

describe('SimulatedAlarmPanel', () => {
  it('replays exactly with the same seed and differs with another', () => {
    const a = runPanel(42, 50);
    const b = runPanel(42, 50);
    const c = runPanel(43, 50);
    expect(a.alarms).toHaveLength(50);
    expect(b.alarms).toEqual(a.alarms);
    expect(b.delays).toEqual(a.delays);
    expect(c.delays).not.toEqual(a.delays);
  });

  it('raises alarms at the configured mean rate (Poisson: exponential waits)', () => {
    const { delays } = runPanel(7, 4000, { alarmsPerHour: 2 });
    const meanSec = delays.reduce((s, d) => s + d, 0) / delays.length / 1000;
    expect(meanSec).toBeGreaterThan(1800 * 0.95);
    expect(meanSec).toBeLessThan(1800 * 1.05);
    // Exponential, not periodic: about 1 - 1/e of the waits are shorter than the mean.
    const shorter = delays.filter((d) => d < 1_800_000).length / delays.length;
    expect(shorter).toBeGreaterThan(0.6);
    expect(shorter).toBeLessThan(0.66);
  });

  it('makes intrusion, video loss and device offline common and panic/duress rare', () => {
    const { alarms } = runPanel(11, 5000);
    const count = (t: AlarmType) => alarms.filter((a) => a.type === t).length;
    const common = count('intrusion') + count('video_loss') + count('device_offline');
    expect(common / alarms.length).toBeGreaterThan(0.65);
    expect(count('panic') + count('duress')).toBeLessThan(alarms.length * 0.05);
    expect(count('panic')).toBeGreaterThan(0);
    expect(count('test')).toBe(0);
    // Fire has no input at this branch, so it never appears.
    expect(count('fire')).toBe(0);
  });

  it('raises input-bound types through an input of that type, with its zone and linked cameras', () => {
    const { alarms } = runPanel(5, 500);
    for (const alarm of alarms.filter((a) => a.inputId !== undefined)) {
      const input = inputs.find((i) => i.id === alarm.inputId);
      expect(input?.type).toBe(alarm.type);
      expect(alarm.zone).toBe(input?.zone);
      expect(alarm.linkedCameras).toEqual(input?.linkedCameras);
    }
    const panic = alarms.find((a) => a.type === 'panic');
    expect(panic?.source).toBe('panic-button');
    const videoLoss = alarms.find((a) => a.type === 'video_loss');
    expect(videoLoss?.source).toBe('system');
    expect(cameras.map((c) => c.id)).toContain(videoLoss?.linkedCameras?.[0]);
    // Disk failures come only from recorders.
    for (const alarm of alarms.filter((a) => a.type === 'disk_failure')) {
      expect(alarm.text).toContain('NVR');
    }
  });

  it('keeps to the allowed types', () => {
    const { alarms, panel } = runPanel(3, 200, { types: ['panic', 'video_loss'] });
    expect(panel.types.sort()).toEqual(['panic', 'video_loss']);
    expect(new Set(alarms.map((a) => a.type))).toEqual(new Set(['panic', 'video_loss']));
  });

  it('stop() cancels the pending alarm and start() resumes', () => {
    const { scheduler, panel, alarms } = runPanel(1, 3);
    expect(alarms).toHaveLength(3);
    expect(scheduler.armed).toBe(false);
    panel.start();
    expect(scheduler.armed).toBe(true);
    panel.stop();
    expect(scheduler.armed).toBe(false);
  });

  it('schedules nothing at rate 0 or when the branch can produce nothing', () => {
    const zero = runPanel(1, 0, { alarmsPerHour: 0 });
    zero.panel.start();
    expect(zero.scheduler.armed).toBe(false);

    const scheduler = new ManualScheduler();
    const empty = new SimulatedAlarmPanel({ inputs: [], alarmsPerHour: 10, scheduler, onAlarm: () => undefined });
    empty.start();
    expect(empty.types).toEqual([]);
    expect(scheduler.armed).toBe(false);
  });

  it('reports a failing callback and keeps raising', async () => {
    const errors: unknown[] = [];
    let calls = 0;
    const scheduler = new ManualScheduler();
    const panel = new SimulatedAlarmPanel({
      inputs,
      alarmsPerHour: 60,
      random: seededRandom(9),
      scheduler,
      onAlarm: () => {
        calls += 1;
        return Promise.reject(new Error('outbox full'));
      },
      onError: (e) => errors.push(e),
    });
    panel.start();
    scheduler.fire();
    await flushMicrotasks();
    expect(errors).toHaveLength(1);
    expect(scheduler.armed).toBe(true);
    scheduler.fire();
    await flushMicrotasks();
    expect(calls).toBe(2);
    panel.stop();
  });

  it('rejects a negative rate', () => {
    expect(() => new SimulatedAlarmPanel({ inputs, alarmsPerHour: -1, onAlarm: () => undefined })).toThrow(
      /alarmsPerHour/,
    );
  });
});
