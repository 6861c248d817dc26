/**
 * Remembers what was done for each message key for a while, so a panel's retransmission (it did not get our ACK
 * in time, or the ACK was lost) is answered without doing it twice. The entry holds the promise of the work: a
 * copy that arrives while the first is still being stored waits for it, then gets its own ACK.
 */
export class DuplicateWindow<T> {
  private readonly entries = new Map<string, { at: number; done: Promise<T> }>();

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number,
    /** Bound on memory whatever the message rate. */
    private readonly maxEntries = 10_000,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string): Promise<T> | undefined {
    this.prune();
    return this.entries.get(key)?.done;
  }

  remember(key: string, done: Promise<T>): void {
    if (this.windowMs <= 0) {
      return;
    }
    this.prune();
    this.entries.delete(key);
    this.entries.set(key, { at: this.now(), done });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) {
        break;
      }
      this.entries.delete(oldest);
    }
  }

  /** Forgets a key whose work failed, so the next copy is handled afresh. */
  forget(key: string): void {
    this.entries.delete(key);
  }

  private prune(): void {
    const cutoff = this.now() - this.windowMs;
    // Insertion order is time order: stop at the first entry young enough.
    for (const [key, entry] of this.entries) {
      if (entry.at > cutoff) {
        break;
      }
      this.entries.delete(key);
    }
  }
}
