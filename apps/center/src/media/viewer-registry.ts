/** The timer functions the registry uses, injectable so tests drive time by hand. */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending grace period must not keep a stopping process alive.
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface ViewerRegistryOptions {
  /** How long a stream stays demanded after its last viewer leaves (or after a reservation nobody used). */
  graceMs: number;
  /** The stream went from nobody to somebody: start its upstream. */
  onFirstDemand(stream: string): void;
  /** Nobody has watched the stream for `graceMs`: stop its upstream. */
  onIdle(stream: string): void;
  timers?: Timers;
}

interface Entry {
  viewers: Set<string>;
  idleTimer: unknown;
}

/**
 * Reference counts of viewers per stream, with a grace period: the first
 * viewer (or reservation) of a stream fires `onFirstDemand`, and `onIdle`
 * fires once the stream has had no viewer for `graceMs`. A viewer arriving
 * within the grace cancels it, so switching a video-wall cell or a player
 * reconnecting does not restart a branch's push. Viewers are counted by id,
 * so a repeated join or leave of the same session is harmless.
 */
export class ViewerRegistry {
  private readonly streams = new Map<string, Entry>();
  private readonly timers: Timers;

  constructor(private readonly opts: ViewerRegistryOptions) {
    this.timers = opts.timers ?? realTimers;
  }

  /**
   * Demand without a viewer yet: a play URL was just issued and the player has
   * not connected. Starts the stream if needed and (re)starts the grace, so an
   * unused URL does not keep the branch pushing.
   */
  reserve(stream: string): void {
    const entry = this.entryOf(stream);
    if (entry.viewers.size === 0) {
      this.startGrace(stream, entry);
    }
  }

  viewerJoined(stream: string, viewerId: string): void {
    const entry = this.entryOf(stream);
    this.cancelGrace(entry);
    entry.viewers.add(viewerId);
  }

  viewerLeft(stream: string, viewerId: string): void {
    const entry = this.streams.get(stream);
    if (!entry?.viewers.delete(viewerId)) {
      return;
    }
    if (entry.viewers.size === 0) {
      this.startGrace(stream, entry);
    }
  }

  viewerCount(stream: string): number {
    return this.streams.get(stream)?.viewers.size ?? 0;
  }

  /** True from the first demand until `onIdle`. */
  isDemanded(stream: string): boolean {
    return this.streams.has(stream);
  }

  demandedStreams(): string[] {
    return [...this.streams.keys()];
  }

  /** Forgets one stream without firing `onIdle` (its upstream never came up, so there is nothing to stop). */
  drop(stream: string): void {
    const entry = this.streams.get(stream);
    if (entry) {
      this.cancelGrace(entry);
      this.streams.delete(stream);
    }
  }

  /** Forgets everything without firing `onIdle` (the owner stops upstreams itself when closing). */
  close(): void {
    for (const entry of this.streams.values()) {
      this.cancelGrace(entry);
    }
    this.streams.clear();
  }

  private entryOf(stream: string): Entry {
    let entry = this.streams.get(stream);
    if (!entry) {
      entry = { viewers: new Set(), idleTimer: null };
      this.streams.set(stream, entry);
      this.opts.onFirstDemand(stream);
    }
    return entry;
  }

  private startGrace(stream: string, entry: Entry): void {
    this.cancelGrace(entry);
    entry.idleTimer = this.timers.setTimeout(() => {
      entry.idleTimer = null;
      if (this.streams.get(stream) === entry && entry.viewers.size === 0) {
        this.streams.delete(stream);
        this.opts.onIdle(stream);
      }
    }, this.opts.graceMs);
  }

  private cancelGrace(entry: Entry): void {
    if (entry.idleTimer !== null) {
      this.timers.clearTimeout(entry.idleTimer);
      entry.idleTimer = null;
    }
  }
}
