/**
 * One timer per alarm waiting for an acknowledgment: fires `onDue(alarmId)`
 * at its deadline (at once when it has already passed, e.g. after a restart).
 */
export class DeadlineTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly onDue: (alarmId: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  set(alarmId: string, atMs: number): void {
    this.delete(alarmId);
    const timer = setTimeout(
      () => {
        this.timers.delete(alarmId);
        this.onDue(alarmId);
      },
      Math.max(0, atMs - this.now()),
    );
    timer.unref();
    this.timers.set(alarmId, timer);
  }

  delete(alarmId: string): void {
    const timer = this.timers.get(alarmId);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(alarmId);
    }
  }

  get size(): number {
    return this.timers.size;
  }

  clear(): void {
    for (const timer of this.timers.values()) {
      clearTimeout(timer);
    }
    this.timers.clear();
  }
}
