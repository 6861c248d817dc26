import { SOCKET_PATH, type ClientToServerEvents, type ServerToClientEvents } from '@bsm/protocol';
import { io, type Socket } from 'socket.io-client';

export type CenterSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The live link to the center that served this page: same origin, session
 * cookie. Not connected yet, so listeners can be attached first.
 */
export function createCenterSocket(): CenterSocket {
  return io({
    path: SOCKET_PATH,
    withCredentials: true,
    autoConnect: false,
    reconnectionDelay: 1_000,
    reconnectionDelayMax: 10_000,
  });
}
