import type { ClientToServerEvents, ServerToClientEvents } from './socket.js';

/** What a console developer needs to know about one socket.io event. */
export interface SocketEventDoc {
  /** The payload's shape, by the name of its type in `@bsm/protocol` or written out. */
  payload: string;
  /** One line: when it is sent and what the receiver does with it. */
  description: string;
}

/**
 * The socket.io events of `socket.ts`, as data, for `docs/protocol.md` and
 * anything else that needs the event names at run time. The mapped types make
 * the compiler reject a missing or an extra event.
 */
export const SERVER_TO_CLIENT_EVENTS: { readonly [E in keyof ServerToClientEvents]: SocketEventDoc } = {
  'node:state': {
    payload: 'NodeState',
    description: 'A node within the jurisdiction went online or offline.',
  },
  'alarm:new': {
    payload: 'AlarmView',
    description: 'A new alarm within the jurisdiction.',
  },
  'alarm:updated': {
    payload: 'AlarmView',
    description: "The alarm's workflow state changed.",
  },
  'catalog:changed': {
    payload: '{ publisher: string; revision: number }',
    description: 'Nodes, devices or cameras changed; the console reloads what it shows.',
  },
  'session:ended': {
    payload: '{ code: string }',
    description: 'The session ended (logout, expiry, revocation); the console returns to login.',
  },
};

export const CLIENT_TO_SERVER_EVENTS: { readonly [E in keyof ClientToServerEvents]: SocketEventDoc } = {
  ping: {
    payload: 'ack callback (serverTime: string) => void',
    description: 'Round-trip check; the console shows the link to its center as lost when this stops answering.',
  },
};

export type ServerToClientEventName = keyof ServerToClientEvents;
export type ClientToServerEventName = keyof ClientToServerEvents;

export const SERVER_TO_CLIENT_EVENT_NAMES = Object.keys(SERVER_TO_CLIENT_EVENTS) as ServerToClientEventName[];
export const CLIENT_TO_SERVER_EVENT_NAMES = Object.keys(CLIENT_TO_SERVER_EVENTS) as ClientToServerEventName[];
