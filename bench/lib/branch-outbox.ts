import type { Alarm } from '@bsm/protocol';

/** An alarm before the outbox numbers it. */
export type AlarmDraft = Omit<Alarm, 'seq'>;

export interface BranchOutboxOptions {
  /** Alarms published and not yet acknowledged, at most (the agent's `uplink.inflightWindow`). */
  window: number;
  /** An alarm not acknowledged within this is published again (the agent's `uplink.ackTimeoutMs`). */
  ackTimeoutMs: number;
}

export interface BranchOutboxStats {
  /** Alarms added (numbered). */
  added: number;
  /** Publications handed out by `take`, first sends and resends after a reconnect. */
  sent: number;
  /** Publications handed out again by `overdue` while connected. */
  resent: number;
  /** Alarms the center acknowledged. */
  acked: number;
  /** Alarms the center refused (dropped too, as the protocol says). */
  refused: number;
}

/**
 * One simulated branch's alarm outbox and in-flight window, without I/O: the
 * rules of the agent's outbox and uplink (`apps/agent/src/outbox`,
 * `apps/agent/src/uplink.ts`), so the swarm is a real sender and `lost` means
 * something.
 *
 * - `add` numbers alarms per branch from 1 (`seq`) and keeps them until the
 *   center's `down/ack` lists them — nothing else drops an alarm.
 * - While connected, `take` hands out what may be published now: queued
 *   alarms in seq order, at most `window` unacknowledged at a time.
 * - `overdue` hands out again, oldest first, those not acknowledged within
 *   `ackTimeoutMs` (the center deduplicates by id).
 * - A reconnect forgets what was in flight and queues every pending alarm
 *   again, unchanged (same id, same seq).
 *
 * Unlike the agent's outbox it lives in memory: the swarm process does not
 * restart during a bench, and fsyncing 1000 alarms/s on the machine under
 * test would load the disk the center's PostgreSQL writes to.
 */
export class BranchOutbox {
  readonly stats: BranchOutboxStats = { added: 0, sent: 0, resent: 0, acked: 0, refused: 0 };
  /** Unacknowledged alarms by id; a Map keeps insertion order, which is seq order. */
  private readonly pendingById = new Map<string, Alarm>();
  /** Published on this connection and not acknowledged: id → time of the last publication. */
  private readonly inflight = new Map<string, number>();
  /** Ids to publish on this connection, in seq order; `head` is the next one. */
  private queue: string[] = [];
  private head = 0;
  private online = false;
  private lastSeq = 0;

  constructor(private readonly options: BranchOutboxOptions) {
    if (!(Number.isInteger(options.window) && options.window > 0)) {
      throw new RangeError(`window must be a positive whole number, not ${options.window}`);
    }
    if (!(options.ackTimeoutMs > 0)) {
      throw new RangeError(`ackTimeoutMs must be positive, not ${options.ackTimeoutMs}`);
    }
  }

  /** Alarms not yet acknowledged. */
  get size(): number {
    return this.pendingById.size;
  }

  /** Alarms published on this connection and waiting for their ack. */
  get inFlight(): number {
    return this.inflight.size;
  }

  /** The seq the last added alarm got (0 before the first). */
  get seq(): number {
    return this.lastSeq;
  }

  has(id: string): boolean {
    return this.pendingById.has(id);
  }

  /** Numbers the alarm and keeps it until acknowledged; queued for publication when connected. */
  add(draft: AlarmDraft): Alarm {
    if (this.pendingById.has(draft.id)) {
      throw new Error(`alarm ${draft.id} is already in the outbox`);
    }
    this.lastSeq += 1;
    const alarm: Alarm = { ...draft, seq: this.lastSeq };
    this.pendingById.set(alarm.id, alarm);
    this.stats.added += 1;
    if (this.online) {
      this.queue.push(alarm.id);
    }
    return alarm;
  }

  /** The session is up (subscribed to `down/ack`): everything pending goes out again, in seq order. */
  connected(): void {
    this.online = true;
    this.inflight.clear();
    this.queue = [...this.pendingById.keys()];
    this.head = 0;
  }

  /** The connection is gone: nothing is in flight any more; pending alarms wait for the next `connected`. */
  disconnected(): void {
    this.online = false;
    this.inflight.clear();
    this.queue = [];
    this.head = 0;
  }

  /** Alarms to publish now, in seq order, while the window has room. Empty when disconnected. */
  take(now: number): Alarm[] {
    const out: Alarm[] = [];
    if (!this.online) {
      return out;
    }
    while (this.inflight.size < this.options.window && this.head < this.queue.length) {
      const id = this.queue[this.head] as string;
      this.head += 1;
      const alarm = this.pendingById.get(id);
      // Acknowledged meanwhile (an ack for an earlier publication), or already out on this connection.
      if (!alarm || this.inflight.has(id)) {
        continue;
      }
      this.inflight.set(id, now);
      out.push(alarm);
    }
    // Drop the consumed head once it dominates, so a long storm does not keep every id ever queued.
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.stats.sent += out.length;
    return out;
  }

  /** In-flight alarms not acknowledged within `ackTimeoutMs`, oldest seq first; their clock restarts at `now`. */
  overdue(now: number): Alarm[] {
    if (!this.online) {
      return [];
    }
    const deadline = now - this.options.ackTimeoutMs;
    const out: Alarm[] = [];
    for (const [id, sentAt] of this.inflight) {
      const alarm = this.pendingById.get(id);
      if (!alarm) {
        this.inflight.delete(id);
      } else if (sentAt <= deadline) {
        this.inflight.set(id, now);
        out.push(alarm);
      }
    }
    out.sort((a, b) => a.seq - b.seq);
    this.stats.resent += out.length;
    return out;
  }

  /**
   * Applies the center's `down/ack`: acknowledged and refused alarms leave
   * the outbox. Returns the ids that were pending (an ack repeated for a
   * redelivery lists ids already gone).
   */
  ack(ids: readonly string[], refused: readonly string[] = []): string[] {
    const removed: string[] = [];
    const drop = (id: string, counter: 'acked' | 'refused'): void => {
      this.inflight.delete(id);
      if (this.pendingById.delete(id)) {
        removed.push(id);
        this.stats[counter] += 1;
      }
    };
    for (const id of ids) {
      drop(id, 'acked');
    }
    for (const id of refused) {
      drop(id, 'refused');
    }
    return removed;
  }
}
