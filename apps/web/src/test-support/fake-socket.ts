/** Just enough of a socket.io client to push server events by hand. */
export class FakeSocket {
  private readonly handlers = new Map<string, ((...args: unknown[]) => void)[]>();
  connectCalls = 0;
  disconnected = false;

  on(event: string, handler: (...args: unknown[]) => void): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }
  connect(): this {
    this.connectCalls += 1;
    return this;
  }
  disconnect(): this {
    this.disconnected = true;
    return this;
  }
  removeAllListeners(): this {
    this.handlers.clear();
    return this;
  }
  push(event: string, ...args: unknown[]): void {
    for (const handler of this.handlers.get(event) ?? []) {
      handler(...args);
    }
  }
}
