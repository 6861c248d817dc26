import type { Server as HttpServer } from 'node:http';
import {
  allows,
  SOCKET_EVENT_ACCESS,
  SOCKET_PATH,
  type AlarmView,
  type CenterInfo,
  type ClientToServerEvents,
  type NodeState,
  type ServerToClientEvents,
} from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import { Server } from 'socket.io';
import type { AuthService, Session } from '../auth/auth.service.js';
import { readCookie, sessionCookieName } from '../api/session-cookie.js';
import { IpRules } from '../auth/ip-rules.js';
import type { NodeIndex } from './node-index.js';

interface SocketData {
  session: Session;
}

const jurisdictionRoom = (nodeId: string): string => `j:${nodeId}`;
const sessionRoom = (tokenHash: string): string => `s:${tokenHash}`;

/**
 * Pushes live events to consoles. Each socket joins the room of its user's
 * jurisdiction root; an event about node N goes to the rooms of N's
 * ancestors, so only users whose jurisdiction contains N receive it.
 */
export class Realtime {
  private readonly io: Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

  constructor(
    http: HttpServer,
    private readonly deps: { auth: AuthService; index: NodeIndex; log: Logger; ipRules: IpRules; center: CenterInfo },
  ) {
    this.io = new Server(http, { path: SOCKET_PATH, serveClient: false, cors: { origin: false } });
    this.io.use((socket, next) => {
      const ip = socket.handshake.address;
      if (!deps.ipRules.clientAllowed(ip)) {
        next(new Error('address_refused'));
        return;
      }
      const token =
        readCookie(socket.handshake.headers.cookie, sessionCookieName(deps.center.id)) ??
        (typeof socket.handshake.auth.token === 'string' ? socket.handshake.auth.token : undefined);
      void deps.auth.authenticate(token).then(
        (session) => {
          if (!session) {
            next(new Error('unauthenticated'));
            return;
          }
          if (!IpRules.userAllowed(ip, session.allowedIps)) {
            next(new Error('address_refused'));
            return;
          }
          socket.data.session = session;
          next();
        },
        (error: unknown) => next(error instanceof Error ? error : new Error(String(error))),
      );
    });
    this.io.on('connection', (socket) => {
      const { user, tokenHash } = socket.data.session;
      // Node and alarm events go to the jurisdiction's room: only users allowed them join it
      // (a security administrator's or an auditor's console gets the end of its session, nothing else).
      const seesJurisdiction = allows(SOCKET_EVENT_ACCESS['alarm:new'], user.permissions);
      void socket.join(
        seesJurisdiction ? [jurisdictionRoom(user.jurisdiction), sessionRoom(tokenHash)] : [sessionRoom(tokenHash)],
      );
      socket.on('ping', (reply) => {
        if (typeof reply === 'function') {
          reply(new Date().toISOString());
        }
      });
    });
  }

  private roomsFor(nodeId: string, via?: string): string[] {
    return this.deps.index.pathOf(nodeId, via).map(jurisdictionRoom);
  }

  /** `via` is the child that delivered it: an origin whose catalog has not arrived yet still reaches the consoles above. */
  alarmNew(view: AlarmView, via?: string): void {
    this.io.to(this.roomsFor(view.subject ?? view.origin, via)).emit('alarm:new', view);
  }

  alarmUpdated(view: AlarmView): void {
    this.io.to(this.roomsFor(view.subject ?? view.origin)).emit('alarm:updated', view);
  }

  nodeStates(states: NodeState[]): void {
    for (const s of states) {
      this.io.to(this.roomsFor(s.nodeId)).emit('node:state', s);
    }
  }

  catalogChanged(publisher: string, revision: number): void {
    // Users above the publisher and users inside its subtree both see its nodes.
    const rooms = new Set(this.roomsFor(publisher));
    this.io.to([...rooms]).emit('catalog:changed', { publisher, revision });
    const inside = [...this.io.sockets.adapter.rooms.keys()].filter(
      (room) => room.startsWith('j:') && this.deps.index.isWithin(room.slice(2), publisher) && !rooms.has(room),
    );
    if (inside.length > 0) {
      this.io.to(inside).emit('catalog:changed', { publisher, revision });
    }
  }

  endSession(tokenHash: string, code: string): void {
    const room = sessionRoom(tokenHash);
    this.io.to(room).emit('session:ended', { code });
    this.io.in(room).disconnectSockets(true);
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      void this.io.close(() => resolve());
    });
  }
}
