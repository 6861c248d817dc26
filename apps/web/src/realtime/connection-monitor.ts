import { clockOffsetFromPing } from './clock-offset';
import type { CenterSocket } from './center-socket';

/**
 * - connecting: first attempt, nothing shown yet;
 * - connected: socket up and the center answers pings;
 * - reconnecting: socket down, socket.io is retrying;
 * - stale: socket claims to be up but the center stopped answering pings.
 */
export type LinkState = 'connecting' | 'connected' | 'reconnecting' | 'stale';

export interface ConnectionStatus {
  link: LinkState;
  /** Center clock minus browser clock, ms (0 until the first ping answer). */
  clockOffsetMs: number;
}

const PING_INTERVAL_MS = 10_000;
const PING_TIMEOUT_MS = 5_000;
/** One lost ping can be a busy event loop; two in a row is a lost link. */
const MISSED_PINGS_BEFORE_STALE = 2;
/** After the server itself dropped the socket (not a session end), try again after this long. */
const SERVER_DISCONNECT_RETRY_MS = 5_000;

export interface ConnectionMonitor {
  getStatus(): ConnectionStatus;
  subscribe(listener: () => void): () => void;
  stop(): void;
}

/** Watches a socket and answers "is the live link to the center good?" for the header indicator. */
export function monitorConnection(socket: CenterSocket): ConnectionMonitor {
  let status: ConnectionStatus = { link: 'connecting', clockOffsetMs: 0 };
  let missedPings = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const listeners = new Set<() => void>();

  const update = (patch: Partial<ConnectionStatus>): void => {
    const next = { ...status, ...patch };
    if (next.link !== status.link || next.clockOffsetMs !== status.clockOffsetMs) {
      status = next;
      for (const listener of listeners) {
        listener();
      }
    }
  };

  const ping = (): void => {
    if (!socket.connected) {
      return;
    }
    const sentAt = Date.now();
    socket.timeout(PING_TIMEOUT_MS).emit('ping', (error: Error | null, serverTime: string) => {
      if (error !== null) {
        missedPings += 1;
        if (missedPings >= MISSED_PINGS_BEFORE_STALE && socket.connected) {
          update({ link: 'stale' });
        }
        return;
      }
      missedPings = 0;
      const offset = clockOffsetFromPing(sentAt, Date.now(), serverTime);
      update(offset === null ? { link: 'connected' } : { link: 'connected', clockOffsetMs: offset });
    });
  };

  const onConnect = (): void => {
    missedPings = 0;
    update({ link: 'connected' });
    ping();
  };
  const onDisconnect = (reason: string): void => {
    update({ link: 'reconnecting' });
    // socket.io retries by itself except when the server closed the socket on purpose.
    if (reason === 'io server disconnect') {
      clearTimeout(retryTimer);
      retryTimer = setTimeout(() => {
        socket.connect();
      }, SERVER_DISCONNECT_RETRY_MS);
    }
  };
  const onConnectError = (): void => {
    update({ link: 'reconnecting' });
  };

  socket.on('connect', onConnect);
  socket.on('disconnect', onDisconnect);
  socket.on('connect_error', onConnectError);
  const pingTimer = setInterval(ping, PING_INTERVAL_MS);

  return {
    getStatus: () => status,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    stop() {
      clearInterval(pingTimer);
      clearTimeout(retryTimer);
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('connect_error', onConnectError);
    },
  };
}
