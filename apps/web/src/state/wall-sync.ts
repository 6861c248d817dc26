import { ApiRequestError } from '../api/api-request-error';
import type { CenterApi } from '../api/center-api';
import type { CenterSocket } from '../realtime/center-socket';
import { QUEUE_LIMIT, type QueueLoad } from './alarm-queue';
import type { WallStore } from './wall-store';

/** How many alarms the wall loads at start; the rest comes live. */
export const INITIAL_ALARM_COUNT = 100;
/** Catalog changes and alarm closures come in bursts; one reload covers a burst. */
const RELOAD_DEBOUNCE_MS = 1_500;
const RETRY_DELAYS_MS = [2_000, 5_000, 10_000, 30_000] as const;
/** A failing socket handshake may mean the session is gone; ask /api/me at most this often. */
const SESSION_CHECK_INTERVAL_MS = 30_000;

export interface WallSyncOptions {
  api: CenterApi;
  socket: CenterSocket;
  store: WallStore;
  /** The session is over (logout elsewhere, expiry, revocation): go back to login. */
  onSessionEnded: () => void;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The alarm console's queue, loaded beside the map. Its failure is its own
 * (shown on the console), so a center without the queue endpoint still has a
 * map wall; a lost session fails the whole snapshot as usual.
 */
async function loadQueue(api: CenterApi, signal: AbortSignal): Promise<QueueLoad> {
  try {
    const response = await api.alarms({ state: 'open', limit: QUEUE_LIMIT }, signal);
    return { ok: true, alarms: response.alarms };
  } catch (error) {
    if (signal.aborted || (error instanceof ApiRequestError && error.isUnauthorized)) {
      throw error;
    }
    return { ok: false, message: messageOf(error) };
  }
}

/**
 * Keeps the wall store in step with the center: a snapshot (GET /api/map,
 * /api/alarms and the open queue) on start and after every (re)connect,
 * since events sent while the socket was down are lost; live events in
 * between. Returns stop().
 */
export function startWallSync({ api, socket, store, onSessionEnded }: WallSyncOptions): () => void {
  let loading: AbortController | undefined;
  let reloadTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let lastSessionCheck = 0;
  let stopped = false;

  const endSession = (): void => {
    if (!stopped) {
      stopped = true;
      onSessionEnded();
    }
  };

  const loadSnapshot = async (): Promise<void> => {
    loading?.abort();
    clearTimeout(retryTimer);
    const controller = new AbortController();
    loading = controller;
    store.dispatch({ type: 'snapshot:requested' });
    try {
      const [map, alarms, queue] = await Promise.all([
        api.map(controller.signal),
        api.alarms({ limit: INITIAL_ALARM_COUNT }, controller.signal),
        loadQueue(api, controller.signal),
      ]);
      if (!controller.signal.aborted) {
        failures = 0;
        store.dispatch({ type: 'snapshot:loaded', map, alarms: alarms.alarms, queue });
      }
    } catch (error) {
      if (controller.signal.aborted) {
        return;
      }
      if (error instanceof ApiRequestError && error.isUnauthorized) {
        endSession();
        return;
      }
      store.dispatch({ type: 'snapshot:failed', message: messageOf(error) });
      const delay = RETRY_DELAYS_MS[Math.min(failures, RETRY_DELAYS_MS.length - 1)];
      failures += 1;
      retryTimer = setTimeout(() => void loadSnapshot(), delay);
    }
  };

  const scheduleReload = (): void => {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => void loadSnapshot(), RELOAD_DEBOUNCE_MS);
  };

  const checkSession = async (): Promise<void> => {
    const now = Date.now();
    if (now - lastSessionCheck < SESSION_CHECK_INTERVAL_MS) {
      return;
    }
    lastSessionCheck = now;
    try {
      await api.me();
    } catch (error) {
      if (error instanceof ApiRequestError && error.isUnauthorized) {
        endSession();
      }
    }
  };

  socket.on('connect', () => void loadSnapshot());
  socket.on('connect_error', () => void checkSession());
  socket.on('alarm:new', (alarm) => {
    store.dispatch({ type: 'event', event: { type: 'alarm:new', alarm } });
    // An alarm from a branch the wall does not know yet means its catalog is behind.
    const state = store.getState();
    if (state.snapshot === 'ready' && !state.nodes.has(alarm.origin)) {
      scheduleReload();
    }
  });
  socket.on('alarm:updated', (alarm) => {
    store.dispatch({ type: 'event', event: { type: 'alarm:updated', alarm } });
    // Closing an alarm lowers counts and maybe the top priority of its branch and centers;
    // only the center knows the remaining open alarms, so ask it.
    if (alarm.status === 'closed') {
      scheduleReload();
    }
  });
  socket.on('node:state', (state) => store.dispatch({ type: 'event', event: { type: 'node:state', state } }));
  socket.on('catalog:changed', () => scheduleReload());
  socket.on('session:ended', () => endSession());

  // Paint at once; the first 'connect' reloads to close the gap before the socket was up.
  void loadSnapshot();
  socket.connect();

  return () => {
    stopped = true;
    loading?.abort();
    clearTimeout(reloadTimer);
    clearTimeout(retryTimer);
    socket.removeAllListeners();
    socket.disconnect();
  };
}
