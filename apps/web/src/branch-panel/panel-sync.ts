import { ApiRequestError } from '../api/api-request-error';
import type { CenterApi } from '../api/center-api';
import type { CenterSocket } from '../realtime/center-socket';
import type { ReducerStore } from '../state/reducer-store';
import type { PanelAction, PanelState } from './panel-state';

export type PanelStore = ReducerStore<PanelState, PanelAction>;

const RETRY_DELAYS_MS = [2_000, 5_000, 10_000, 30_000] as const;
/** The zones live at the branch: read them again now and then, in case someone armed at the keypad. */
export const ZONE_REFRESH_MS = 30_000;

export interface PanelSyncOptions {
  api: Pick<CenterApi, 'branchPanel' | 'me'>;
  socket: CenterSocket;
  store: PanelStore;
  branchId: string;
  onSessionEnded: () => void;
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Keeps the branch panel in step with the center: GET /api/branches/:id/panel
 * on start, after every (re)connect (events sent while the socket was down
 * are lost), when the branch comes back online (its zones can be read again)
 * and every {@link ZONE_REFRESH_MS}; the alarms' handling live in between.
 * Returns stop().
 */
export function startPanelSync({ api, socket, store, branchId, onSessionEnded }: PanelSyncOptions): () => void {
  let loading: AbortController | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let stopped = false;

  const endSession = (): void => {
    if (!stopped) {
      stopped = true;
      onSessionEnded();
    }
  };

  const load = async (): Promise<void> => {
    loading?.abort();
    clearTimeout(retryTimer);
    const controller = new AbortController();
    loading = controller;
    store.dispatch({ type: 'load:requested' });
    try {
      const panel = await api.branchPanel(branchId, controller.signal);
      if (!controller.signal.aborted) {
        failures = 0;
        store.dispatch({ type: 'load:done', panel });
      }
    } catch (error) {
      if (controller.signal.aborted) {
        return;
      }
      if (error instanceof ApiRequestError && error.isUnauthorized) {
        endSession();
        return;
      }
      store.dispatch({ type: 'load:failed', message: messageOf(error) });
      const delay = RETRY_DELAYS_MS[Math.min(failures, RETRY_DELAYS_MS.length - 1)];
      failures += 1;
      retryTimer = setTimeout(() => void load(), delay);
    }
  };

  socket.on('connect', () => void load());
  socket.on('connect_error', () => {
    void api.me().catch((error: unknown) => {
      if (error instanceof ApiRequestError && error.isUnauthorized) {
        endSession();
      }
    });
  });
  socket.on('alarm:new', (alarm) => store.dispatch({ type: 'event', event: { type: 'alarm', alarm } }));
  socket.on('alarm:updated', (alarm) => store.dispatch({ type: 'event', event: { type: 'alarm', alarm } }));
  socket.on('node:state', (state) => {
    const wasOffline = store.getState().branch?.state === 'offline';
    store.dispatch({ type: 'event', event: { type: 'node:state', state } });
    if (state.nodeId === branchId && wasOffline && state.state !== 'offline') {
      void load();
    }
  });
  socket.on('catalog:changed', () => void load());
  socket.on('session:ended', () => endSession());
  const refresh = setInterval(() => {
    if (store.getState().load !== 'loading') {
      void load();
    }
  }, ZONE_REFRESH_MS);

  void load();
  socket.connect();

  return () => {
    stopped = true;
    loading?.abort();
    clearTimeout(retryTimer);
    clearInterval(refresh);
    socket.removeAllListeners();
    socket.disconnect();
  };
}
