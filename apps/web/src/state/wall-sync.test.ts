import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlarmListResponse, AlarmView, MapResponse } from '@bsm/protocol';
import { ApiRequestError } from '../api/api-request-error';
import type { CenterApi } from '../api/center-api';
import type { CenterSocket } from '../realtime/center-socket';
import { FakeSocket } from '../test-support/fake-socket';
import { alarmView, mapResponse } from '../test-support/fixtures';
import { createWallStore } from './wall-store';
import { startWallSync } from './wall-sync';

interface FakeApi {
  api: CenterApi;
  mapCalls: () => number;
  failNextMapWith: (error: Error) => void;
}

function fakeApi(map: () => MapResponse, alarms: () => AlarmView[] = () => []): FakeApi {
  let calls = 0;
  let nextError: Error | undefined;
  const api = {
    map: () => {
      calls += 1;
      if (nextError !== undefined) {
        const error = nextError;
        nextError = undefined;
        return Promise.reject(error);
      }
      return Promise.resolve(map());
    },
    alarms: (): Promise<AlarmListResponse> => Promise.resolve({ alarms: alarms() }),
    me: () => Promise.reject(new ApiRequestError(401, 'unauthorized', 'no session')),
  } as unknown as CenterApi;
  return { api, mapCalls: () => calls, failNextMapWith: (error) => void (nextError = error) };
}

describe('startWallSync', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('loads the wall at once and connects the socket', async () => {
    const store = createWallStore();
    const socket = new FakeSocket();
    const { api } = fakeApi(
      () => mapResponse(),
      () => [alarmView()],
    );
    startWallSync({ api, socket: socket as unknown as CenterSocket, store, onSessionEnded: () => undefined });
    await vi.runOnlyPendingTimersAsync();
    expect(store.getState().snapshot).toBe('ready');
    expect(store.getState().alarms).toHaveLength(1);
    expect(socket.connectCalls).toBe(1);
  });

  it('reloads after a reconnect, since events sent meanwhile were lost', async () => {
    const store = createWallStore();
    const socket = new FakeSocket();
    let offline = false;
    const fake = fakeApi(() => {
      const map = mapResponse();
      map.nodes = map.nodes.map((n) => (n.id === 'fz-01' && offline ? { ...n, state: 'offline' as const } : n));
      return map;
    });
    startWallSync({ api: fake.api, socket: socket as unknown as CenterSocket, store, onSessionEnded: () => undefined });
    await vi.runOnlyPendingTimersAsync();
    offline = true;
    socket.push('connect');
    await vi.runOnlyPendingTimersAsync();
    expect(store.getState().nodes.get('fz-01')?.state).toBe('offline');
  });

  it('applies live alarms to the list and the counts', async () => {
    const store = createWallStore();
    const socket = new FakeSocket();
    startWallSync({
      api: fakeApi(() => mapResponse()).api,
      socket: socket as unknown as CenterSocket,
      store,
      onSessionEnded: () => undefined,
    });
    await vi.runOnlyPendingTimersAsync();
    socket.push('alarm:new', alarmView({ origin: 'fz-gl-01', priority: 1 }));
    expect(store.getState().nodes.get('fz')?.openAlarms).toBe(1);
    expect(store.getState().alarms).toHaveLength(1);
  });

  it('reloads once after a burst of catalog changes', async () => {
    const store = createWallStore();
    const socket = new FakeSocket();
    const fake = fakeApi(() => mapResponse());
    startWallSync({ api: fake.api, socket: socket as unknown as CenterSocket, store, onSessionEnded: () => undefined });
    await vi.runOnlyPendingTimersAsync();
    const before = fake.mapCalls();
    socket.push('catalog:changed', { publisher: 'fz-gl', revision: 2 });
    socket.push('catalog:changed', { publisher: 'fz-gl', revision: 3 });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(fake.mapCalls()).toBe(before + 1);
  });

  it('goes back to login when the center ends the session', async () => {
    const store = createWallStore();
    const socket = new FakeSocket();
    const ended = vi.fn();
    startWallSync({
      api: fakeApi(() => mapResponse()).api,
      socket: socket as unknown as CenterSocket,
      store,
      onSessionEnded: ended,
    });
    await vi.runOnlyPendingTimersAsync();
    socket.push('session:ended', { code: 'logout' });
    expect(ended).toHaveBeenCalledTimes(1);
  });

  it('goes back to login when loading the wall answers 401', async () => {
    const store = createWallStore();
    const socket = new FakeSocket();
    const ended = vi.fn();
    const fake = fakeApi(() => mapResponse());
    fake.failNextMapWith(new ApiRequestError(401, 'unauthorized', 'expired'));
    startWallSync({ api: fake.api, socket: socket as unknown as CenterSocket, store, onSessionEnded: ended });
    await vi.runOnlyPendingTimersAsync();
    expect(ended).toHaveBeenCalledTimes(1);
  });

  it('retries a failed load and shows the wall when the center is back', async () => {
    const store = createWallStore();
    const socket = new FakeSocket();
    const fake = fakeApi(() => mapResponse());
    fake.failNextMapWith(new ApiRequestError(502, 'http_502', 'Bad Gateway'));
    startWallSync({ api: fake.api, socket: socket as unknown as CenterSocket, store, onSessionEnded: () => undefined });
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().snapshot).toBe('failed');
    await vi.advanceTimersByTimeAsync(2_500);
    expect(store.getState().snapshot).toBe('ready');
  });

  it('disconnects the socket when stopped', async () => {
    const socket = new FakeSocket();
    const stop = startWallSync({
      api: fakeApi(() => mapResponse()).api,
      socket: socket as unknown as CenterSocket,
      store: createWallStore(),
      onSessionEnded: () => undefined,
    });
    await vi.runOnlyPendingTimersAsync();
    stop();
    expect(socket.disconnected).toBe(true);
  });
});

describe('startWallSync and the catalog', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reloads the map when an alarm comes from a branch it does not know yet', async () => {
    const store = createWallStore();
    const socket = new FakeSocket();
    const fake = fakeApi(() => mapResponse());
    startWallSync({ api: fake.api, socket: socket as unknown as CenterSocket, store, onSessionEnded: () => undefined });
    await vi.runOnlyPendingTimersAsync();
    const before = fake.mapCalls();
    socket.push('alarm:new', alarmView({ origin: 'fz-new-branch' }));
    await vi.advanceTimersByTimeAsync(2_000);
    expect(fake.mapCalls()).toBe(before + 1);
  });
});
