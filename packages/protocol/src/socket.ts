import type { NodeState } from './catalog.js';
import type { AlarmView } from './api.js';

/**
 * socket.io events a center pushes to a console. Every event is already
 * filtered to the user's jurisdiction. Center and web both import this map.
 */
export interface ServerToClientEvents {
  /** A node within the jurisdiction went online or offline. */
  'node:state': (state: NodeState) => void;
  /** A new alarm within the jurisdiction. */
  'alarm:new': (alarm: AlarmView) => void;
  /** The alarm's workflow state changed. */
  'alarm:updated': (alarm: AlarmView) => void;
  /** Nodes, devices or cameras changed; the console reloads what it shows. */
  'catalog:changed': (change: { publisher: string; revision: number }) => void;
  /** The session ended (logout, expiry, revocation); the console returns to login. */
  'session:ended': (reason: { code: string }) => void;
}

export interface ClientToServerEvents {
  /** Round-trip check; the console shows the link to its center as lost when this stops answering. */
  ping: (reply: (serverTime: string) => void) => void;
}

export const SOCKET_PATH = '/socket.io';
