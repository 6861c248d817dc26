import type { PtzRequest } from '@bsm/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/api-request-error';
import { PtzControl, type PtzControlState } from './ptz-control';

function harness(answer: (request: PtzRequest) => Promise<void> = () => Promise.resolve()) {
  const sent: { at: number; request: PtzRequest }[] = [];
  const states: PtzControlState[] = [];
  const control = new PtzControl(
    (request) => {
      sent.push({ at: Date.now(), request });
      return answer(request);
    },
    (state) => states.push(state),
  );
  return { control, sent, states };
}

describe('PtzControl press / hold / release', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('moves on press, repeats every second while held, and stops on release', async () => {
    const h = harness();
    h.control.setSpeed(0.8);
    h.control.press('left');
    expect(h.control.getState().active).toBe('left');
    await vi.advanceTimersByTimeAsync(2_500);
    h.control.release();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(h.sent).toEqual([
      { at: 0, request: { kind: 'move', action: 'left', speed: 0.8 } },
      { at: 1_000, request: { kind: 'move', action: 'left', speed: 0.8 } },
      { at: 2_000, request: { kind: 'move', action: 'left', speed: 0.8 } },
      { at: 2_500, request: { kind: 'move', action: 'stop', speed: 0.8 } },
    ]);
    expect(h.control.getState().active).toBeNull();
  });

  it('sends nothing on a release without a press, and one stop for a double release', async () => {
    const h = harness();
    h.control.release();
    h.control.press('zoom_in');
    h.control.release();
    h.control.release();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(h.sent.map((entry) => entry.request)).toEqual([
      { kind: 'move', action: 'zoom_in', speed: 0.5 },
      { kind: 'move', action: 'stop', speed: 0.5 },
    ]);
  });

  it('switches to another direction pressed while one is held', async () => {
    const h = harness();
    h.control.press('up');
    await vi.advanceTimersByTimeAsync(500);
    h.control.press('right');
    await vi.advanceTimersByTimeAsync(1_000);
    h.control.release();
    expect(h.sent.map((entry) => `${entry.at}:${entry.request.kind === 'move' ? entry.request.action : ''}`)).toEqual([
      '0:up',
      '500:right',
      '1500:right',
      '1500:stop',
    ]);
  });

  it('shows who holds the lock on 409 ptz_locked and stops repeating', async () => {
    const h = harness(() => Promise.reject(new ApiRequestError(409, 'ptz_locked', 'xm-op@fj')));
    h.control.press('down');
    await vi.advanceTimersByTimeAsync(0);
    expect(h.control.getState()).toEqual({ active: null, lockedBy: 'xm-op@fj', error: null });
    await vi.advanceTimersByTimeAsync(5_000);
    expect(h.sent).toHaveLength(1);
  });

  it('clears the lock once a command goes through again', async () => {
    let locked = true;
    const h = harness(() =>
      locked ? Promise.reject(new ApiRequestError(409, 'ptz_locked', 'xm-op@fj')) : Promise.resolve(),
    );
    h.control.preset('goto', 3);
    await vi.advanceTimersByTimeAsync(0);
    expect(h.control.getState().lockedBy).toBe('xm-op@fj');
    locked = false;
    h.control.preset('goto', 3);
    await vi.advanceTimersByTimeAsync(0);
    expect(h.control.getState().lockedBy).toBeNull();
    expect(h.sent.map((entry) => entry.request)).toEqual([
      { kind: 'preset', op: 'goto', preset: 3 },
      { kind: 'preset', op: 'goto', preset: 3 },
    ]);
  });

  it('reports other failures without dropping the hold', async () => {
    const h = harness(() => Promise.reject(new ApiRequestError(0, 'network_error', 'Failed to fetch')));
    h.control.press('iris_open');
    await vi.advanceTimersByTimeAsync(0);
    expect(h.control.getState()).toMatchObject({ active: 'iris_open', error: 'Failed to fetch' });
    h.control.dispose();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(h.sent.map((entry) => (entry.request.kind === 'move' ? entry.request.action : ''))).toEqual([
      'iris_open',
      'stop',
    ]);
  });
});
