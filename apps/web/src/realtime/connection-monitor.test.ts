import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CenterSocket } from './center-socket';
import { monitorConnection } from './connection-monitor';

type PingReply = (error: Error | null, serverTime: string) => void;

/** A socket whose connection and ping answers the test controls. */
class FakeSocket {
  connected = false;
  answerPings = true;
  serverClockAheadMs = 0;
  private readonly handlers = new Map<string, ((...args: unknown[]) => void)[]>();

  on(event: string, handler: (...args: unknown[]) => void): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }
  off(): this {
    return this;
  }
  connect(): this {
    return this;
  }
  timeout(ms: number) {
    return {
      emit: (_event: 'ping', reply: PingReply) => {
        if (this.answerPings) {
          reply(null, new Date(Date.now() + this.serverClockAheadMs).toISOString());
        } else {
          setTimeout(() => reply(new Error('operation has timed out'), ''), ms);
        }
      },
    };
  }
  fire(event: string, ...args: unknown[]): void {
    if (event === 'connect') {
      this.connected = true;
    }
    if (event === 'disconnect') {
      this.connected = false;
    }
    for (const handler of this.handlers.get(event) ?? []) {
      handler(...args);
    }
  }
}

describe('monitorConnection', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const start = () => {
    const socket = new FakeSocket();
    const monitor = monitorConnection(socket as unknown as CenterSocket);
    return { socket, monitor };
  };

  it('is connected once the socket is up and the center answers', () => {
    const { socket, monitor } = start();
    expect(monitor.getStatus().link).toBe('connecting');
    socket.fire('connect');
    expect(monitor.getStatus().link).toBe('connected');
  });

  it('shows reconnecting while the socket is down', () => {
    const { socket, monitor } = start();
    socket.fire('connect');
    socket.fire('disconnect', 'transport close');
    expect(monitor.getStatus().link).toBe('reconnecting');
  });

  it('shows the link as lost when the center stops answering pings, and back when it answers', async () => {
    const { socket, monitor } = start();
    socket.fire('connect');
    socket.answerPings = false;
    await vi.advanceTimersByTimeAsync(10_000 + 5_000);
    expect(monitor.getStatus().link).toBe('connected');
    await vi.advanceTimersByTimeAsync(10_000);
    expect(monitor.getStatus().link).toBe('stale');
    socket.answerPings = true;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(monitor.getStatus().link).toBe('connected');
  });

  it('learns how far the center clock is ahead', () => {
    const { socket, monitor } = start();
    socket.serverClockAheadMs = 7_000;
    socket.fire('connect');
    expect(monitor.getStatus().clockOffsetMs).toBe(7_000);
  });

  it('tells subscribers about changes', () => {
    const { socket, monitor } = start();
    const listener = vi.fn();
    monitor.subscribe(listener);
    socket.fire('connect');
    expect(listener).toHaveBeenCalled();
  });
});
