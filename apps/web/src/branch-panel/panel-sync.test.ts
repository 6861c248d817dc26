import type { BranchPanelResponse } from '@bsm/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiRequestError } from '../api/api-request-error';
import type { CenterApi } from '../api/center-api';
import type { CenterSocket } from '../realtime/center-socket';
import { createReducerStore } from '../state/reducer-store';
import { FakeSocket } from '../test-support/fake-socket';
import { alarmView, mapNode } from '../test-support/fixtures';
import { initialPanelState, panelReducer } from './panel-state';
import { startPanelSync, ZONE_REFRESH_MS } from './panel-sync';

const BRANCH = 'fz-gl-01';

function setup(answer: () => Promise<BranchPanelResponse>) {
  const socket = new FakeSocket();
  const store = createReducerStore(panelReducer, initialPanelState);
  const calls: string[] = [];
  let ended = 0;
  const api = {
    branchPanel: (id: string) => {
      calls.push(id);
      return answer();
    },
    me: () => Promise.resolve({ user: {} }),
  } as unknown as Pick<CenterApi, 'branchPanel' | 'me'>;
  const stop = startPanelSync({
    api,
    socket: socket as unknown as CenterSocket,
    store,
    branchId: BRANCH,
    onSessionEnded: () => void (ended += 1),
  });
  return { socket, store, calls, stop, ended: () => ended };
}

const panel = (overrides: Partial<BranchPanelResponse> = {}): BranchPanelResponse => ({
  branch: mapNode({ id: BRANCH }),
  alarms: [],
  zones: [],
  ...overrides,
});

describe('startPanelSync', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('loads the branch panel at once and again on every (re)connect', async () => {
    const { socket, store, calls } = setup(() => Promise.resolve(panel()));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toEqual([BRANCH]);
    expect(store.getState().load).toBe('ready');
    socket.push('connect');
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(2);
  });

  it('shows the handling of an alarm as the center pushes it', async () => {
    const alarm = alarmView({ origin: BRANCH });
    const { socket, store } = setup(() => Promise.resolve(panel({ alarms: [alarm] })));
    await vi.advanceTimersByTimeAsync(0);
    socket.push('alarm:updated', { ...alarm, status: 'acknowledged' });
    expect(store.getState().alarms[0]?.status).toBe('acknowledged');
  });

  it('reads the zones again when the branch comes back online, not on every state change', async () => {
    let current = panel();
    const { socket, calls } = setup(() => Promise.resolve(current));
    await vi.advanceTimersByTimeAsync(0);
    socket.push('node:state', { nodeId: BRANCH, state: 'alarm', since: 'x' });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(1);
    current = panel({ branch: mapNode({ id: BRANCH, state: 'offline' }), zones: null });
    socket.push('node:state', { nodeId: BRANCH, state: 'offline', since: 'x' });
    socket.push('node:state', { nodeId: BRANCH, state: 'online', since: 'y' });
    await vi.advanceTimersByTimeAsync(0);
    expect(calls).toHaveLength(2);
  });

  it('refreshes now and then (zones armed at the keypad) and retries a failed load', async () => {
    let fail = false;
    const { store, calls } = setup(() =>
      fail ? Promise.reject(new ApiRequestError(502, 'http_502', 'Bad Gateway')) : Promise.resolve(panel()),
    );
    await vi.advanceTimersByTimeAsync(0);
    fail = true;
    await vi.advanceTimersByTimeAsync(ZONE_REFRESH_MS);
    expect(calls).toHaveLength(2);
    expect(store.getState()).toMatchObject({ load: 'failed', failure: 'Bad Gateway' });
    fail = false;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls).toHaveLength(3);
    expect(store.getState().load).toBe('ready');
  });

  it('goes back to login when the session is gone', async () => {
    const { ended, socket } = setup(() => Promise.reject(new ApiRequestError(401, 'unauthorized', 'no session')));
    await vi.advanceTimersByTimeAsync(0);
    expect(ended()).toBe(1);
    socket.push('session:ended', { code: 'logout' });
    expect(ended()).toBe(1);
  });

  it('lets go of the socket and its timers when stopped', async () => {
    const { socket, stop, calls } = setup(() => Promise.resolve(panel()));
    await vi.advanceTimersByTimeAsync(0);
    stop();
    expect(socket.disconnected).toBe(true);
    await vi.advanceTimersByTimeAsync(ZONE_REFRESH_MS * 2);
    expect(calls).toHaveLength(1);
  });
});
