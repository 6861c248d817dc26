import type { PtzAction } from '@bsm/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureLogger } from '../testing/capture-logger.js';
import { AgentConfigSchema } from '../config.js';
import { PtzController } from './controller.js';
import type { PtzDriver } from './driver.js';

const config = AgentConfigSchema.parse({
  node: { id: 'b1', name: 'x', lat: 26, lon: 119 },
  cameras: [
    { id: 'b1.dome', name: 'dome', ptz: { kind: 'simulated', controlUrl: 'http://127.0.0.1:1' } },
    { id: 'b1.fixed', name: 'fixed' },
  ],
});

function recorder(): { driver: PtzDriver; calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    driver: {
      move: (action: PtzAction, speed: number) => {
        calls.push(`move ${action} ${speed}`);
        return Promise.resolve();
      },
      stop: () => {
        calls.push('stop');
        return Promise.resolve();
      },
      preset: (op, n) => {
        calls.push(`preset ${op} ${n}`);
        return Promise.resolve();
      },
    },
  };
}

describe('PtzController', () => {
  let rec: ReturnType<typeof recorder>;
  let ptz: PtzController;

  beforeEach(() => {
    vi.useFakeTimers();
    rec = recorder();
    ptz = new PtzController(config.cameras, { logger: captureLogger().logger, driverFor: () => rec.driver });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('stops a continuous move by itself when no command follows within timeoutMs', async () => {
    await ptz.move('b1.dome', 'left', 0.5, 2_000);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(rec.calls).toEqual(['move left 0.5']);
    await vi.advanceTimersByTimeAsync(1);
    expect(rec.calls).toEqual(['move left 0.5', 'stop']);
  });

  it('re-arms on every new command, and an explicit stop disarms', async () => {
    await ptz.move('b1.dome', 'left', 0.5, 1_000);
    await vi.advanceTimersByTimeAsync(800);
    await ptz.move('b1.dome', 'left', 0.5, 1_000);
    await vi.advanceTimersByTimeAsync(800);
    expect(rec.calls).toEqual(['move left 0.5', 'move left 0.5']);
    await ptz.move('b1.dome', 'stop', 0.5, 1_000);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(rec.calls).toEqual(['move left 0.5', 'move left 0.5', 'stop']);
  });

  it('a preset replaces the move: no automatic stop cuts it short', async () => {
    await ptz.move('b1.dome', 'zoom_in', 1, 500);
    await ptz.preset('b1.dome', 'goto', 3);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(rec.calls).toEqual(['move zoom_in 1', 'preset goto 3']);
  });

  it('stops a moving camera on close', async () => {
    await ptz.move('b1.dome', 'up', 0.2, 5_000);
    await ptz.close();
    expect(rec.calls).toEqual(['move up 0.2', 'stop']);
  });

  it('refuses a camera without PTZ and an unknown camera with distinct codes', async () => {
    await expect(ptz.move('b1.fixed', 'left', 0.5, 1_000)).rejects.toMatchObject({
      code: 'no_ptz',
      message: 'camera "b1.fixed" has no PTZ',
    });
    await expect(ptz.preset('b1.nope', 'goto', 1)).rejects.toMatchObject({
      code: 'unknown_camera',
      message: 'no camera "b1.nope" at this branch',
    });
  });
});
