import { MAX_SMALL_PAYLOAD_BYTES, type AlarmEventBatch } from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import type { StoredEvent } from '../repositories/alarm-event.repository.js';

export interface EventSenderOptions {
  /** `parent` or `child:<id>`, for logs. */
  peer: string;
  /** Events owed to the peer after a position, oldest first. */
  pending(after: number, limit: number): Promise<StoredEvent[]>;
  /** The position the peer has acknowledged (stored, so it survives restarts). */
  cursor(): Promise<number>;
  advance(upTo: number): Promise<void>;
  /** Publishes a batch; false when the link is down (the batch goes again on `resend`). */
  send(batch: AlarmEventBatch): boolean;
  log: Logger;
  /** A batch not acknowledged within this is sent again. */
  ackTimeoutMs?: number;
  batchSize?: number;
}

/**
 * Sends one neighbour the events it is owed, a batch at a time: the next
 * batch goes when the previous one is acknowledged (by position), and an
 * unacknowledged batch goes again after a timeout or a reconnect. The
 * receiver deduplicates by event id, so a resend is harmless.
 */
export class EventSender {
  private cursor: number | null = null;
  private inflightUpTo: number | null = null;
  private pumping = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly opts: EventSenderOptions) {}

  /** New events may be owed. */
  wake(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    if (this.inflightUpTo === null) {
      void this.pump();
    }
  }

  /** The link came back: whatever was in flight may be lost; start again from the stored cursor. */
  resend(): void {
    this.cursor = null;
    this.inflightUpTo = null;
    this.clearTimer();
    this.wake();
  }

  acked(upTo: number): void {
    if (this.inflightUpTo === null || upTo < this.inflightUpTo) {
      return; // a late ack of an earlier batch
    }
    this.cursor = Math.max(this.cursor ?? 0, upTo);
    this.inflightUpTo = null;
    this.clearTimer();
    this.opts
      .advance(upTo)
      .catch((error: unknown) => this.opts.log.warn({ err: error }, 'could not store event cursor'));
    this.wake();
  }

  close(): void {
    this.closed = true;
    this.clearTimer();
  }

  private async pump(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        this.cursor ??= await this.opts.cursor();
        const pending = fitPayload(await this.opts.pending(this.cursor, this.opts.batchSize ?? 200));
        const last = pending.at(-1);
        if (!last) {
          return;
        }
        const batch: AlarmEventBatch = { events: pending.map((p) => p.event), upTo: last.position };
        if (!this.opts.send(batch)) {
          return; // link down: `resend` on reconnect
        }
        this.inflightUpTo = last.position;
        this.timer = setTimeout(() => {
          this.opts.log.warn(
            { peer: this.opts.peer, upTo: last.position },
            'events not acknowledged in time; resending',
          );
          this.resend();
        }, this.opts.ackTimeoutMs ?? 5_000);
        this.timer.unref();
        return;
      } while (this.again);
    } catch (error) {
      this.opts.log.warn({ err: error, peer: this.opts.peer }, 'sending events failed; trying again');
      this.clearTimer();
      this.timer = setTimeout(() => this.resend(), 2_000);
      this.timer.unref();
    } finally {
      this.pumping = false;
      if (this.again && this.inflightUpTo === null) {
        this.wake();
      }
    }
  }

  private clearTimer(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
  }
}

/** Room left for the batch's own fields within the receiver's payload limit. */
const PAYLOAD_BUDGET = MAX_SMALL_PAYLOAD_BYTES - 1024;

/**
 * The leading events that fit one message: a receiver refuses a payload over
 * its limit, and a refused batch is never acknowledged, so a backlog (after
 * an outage) must go in pieces.
 */
export function fitPayload(pending: StoredEvent[]): StoredEvent[] {
  let bytes = 0;
  let n = 0;
  for (const p of pending) {
    bytes += Buffer.byteLength(JSON.stringify(p.event)) + 1;
    if (n > 0 && bytes > PAYLOAD_BUDGET) {
      break;
    }
    n += 1;
  }
  return pending.slice(0, n);
}
