import { signIn } from '@bsm/launcher';
import type { AlarmView, ClientToServerEvents, ServerToClientEvents } from '@bsm/protocol';
import { io, type Socket } from 'socket.io-client';

/** An officer's console as a program: logs in over REST and listens on socket.io, as the web console does. */
export class ConsoleClient {
  readonly received = new Map<string, { at: number; count: number; alarm: AlarmView }>();
  /** Times the socket.io connection dropped after connecting: alarms pushed meanwhile never reach this console. */
  disconnects = 0;
  private socket: Socket<ServerToClientEvents, ClientToServerEvents> | null = null;
  cookie = '';

  constructor(readonly baseUrl: string) {}

  /** Password and authenticator code (a demo user's), as the console signs in. */
  async login(username: string, password: string): Promise<void> {
    try {
      this.cookie = (await signIn(this.baseUrl, username, password)).cookie;
    } catch (error) {
      throw new Error(`login of ${username} at ${this.baseUrl} failed: ${(error as Error).message}`);
    }
  }

  async connect(): Promise<void> {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(this.baseUrl, {
      extraHeaders: { cookie: this.cookie },
      transports: ['websocket'],
    });
    this.socket = socket;
    socket.on('alarm:new', (alarm) => {
      const now = Date.now();
      const hit = this.received.get(alarm.id);
      if (hit) {
        hit.count += 1;
      } else {
        this.received.set(alarm.id, { at: now, count: 1, alarm });
      }
    });
    socket.on('disconnect', (reason) => {
      if (reason !== 'io client disconnect') {
        this.disconnects += 1;
      }
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
  }

  async get<T>(path: string): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, { headers: { cookie: this.cookie } });
    if (!res.ok) {
      throw new Error(`GET ${path}: HTTP ${res.status}`);
    }
    return (await res.json()) as T;
  }

  close(): void {
    this.socket?.disconnect();
  }
}
