import { MAX_SMALL_PAYLOAD_BYTES, type AuditBatch, type AuditChainEntry, type AuditRecord } from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';

export interface AuditUplinkDeps {
  /** This center: its own chain is one of those sent. */
  selfId: string;
  /** Entries of a chain after a seq, oldest first (our own or a copy we hold). */
  chain(source: string, afterSeq: number, limit: number): Promise<AuditRecord[]>;
  /** Chains we hold copies of (sent up too, so level 1 ends with every chain of the province). */
  copiedSources(): Promise<string[]>;
  /** How far the parent has stored each chain (survives restarts). */
  cursor(source: string): Promise<number>;
  advance(source: string, upTo: number): Promise<void>;
  /** Publishes `up/audit`; false while the link is down (sent again on `reconnected`). */
  send(batch: AuditBatch): boolean;
  log: Logger;
  /** A batch not acknowledged within this is sent again. */
  ackTimeoutMs?: number;
  batchSize?: number;
}

/** Room for the batch's own fields within the parent's payload limit. */
const PAYLOAD_BUDGET = MAX_SMALL_PAYLOAD_BYTES - 1024;

const wireEntry = (r: AuditRecord): AuditChainEntry => ({
  seq: r.seq,
  id: r.id,
  at: r.at,
  actor: r.actor,
  action: r.action,
  target: r.target,
  outcome: r.outcome,
  ip: r.ip,
  detail: r.detail,
  prevHash: r.prevHash,
  hash: r.hash,
});

/** The leading entries that fit one message (an entry's detail is bounded, so one always fits). */
export function fitAuditPayload(entries: AuditChainEntry[]): AuditChainEntry[] {
  let bytes = 0;
  let n = 0;
  for (const e of entries) {
    bytes += Buffer.byteLength(JSON.stringify(e)) + 1;
    if (n > 0 && bytes > PAYLOAD_BUDGET) {
      break;
    }
    n += 1;
  }
  return entries.slice(0, n);
}

/** Sends one chain: a batch at a time from the parent's cursor, the next when the previous is acknowledged. */
class ChainSender {
  private cursor: number | null = null;
  private inflightUpTo: number | null = null;
  private pumping = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly source: string,
    private readonly deps: AuditUplinkDeps,
  ) {}

  wake(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    if (this.inflightUpTo === null) {
      void this.pump();
    }
  }

  /** The link came back, or a batch went unanswered: start again from the stored cursor. */
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
    this.deps
      .advance(this.source, upTo)
      .catch((error: unknown) =>
        this.deps.log.warn({ err: error, source: this.source }, 'could not store the audit cursor'),
      );
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
        this.cursor ??= await this.deps.cursor(this.source);
        const entries = fitAuditPayload(
          (await this.deps.chain(this.source, this.cursor, this.deps.batchSize ?? 200)).map(wireEntry),
        );
        const last = entries.at(-1);
        if (!last) {
          continue;
        }
        if (!this.deps.send({ source: this.source, entries })) {
          return; // link down: `resend` on reconnect
        }
        this.inflightUpTo = last.seq;
        this.timer = setTimeout(() => {
          this.deps.log.warn(
            { source: this.source, upTo: last.seq },
            'audit entries not acknowledged in time; resending',
          );
          this.resend();
        }, this.deps.ackTimeoutMs ?? 10_000);
        this.timer.unref();
        return;
      } while (this.again);
    } catch (error) {
      this.deps.log.warn({ err: error, source: this.source }, 'sending audit entries failed; trying again');
      this.clearTimer();
      this.timer = setTimeout(() => this.resend(), 2_000);
      this.timer.unref();
    } finally {
      this.pumping = false;
      if (this.again && this.inflightUpTo === null && !this.closed) {
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

/**
 * Copies this center's audit chain, and the copies it holds of the centers
 * below it, to its parent (`up/audit`): per chain, in order, from the
 * position the parent last acknowledged (`down/audit-ack`, stored as a
 * cursor), one batch in flight, within the payload limit. A lost batch or
 * ack only delays entries: they go again after a timeout or a reconnect, and
 * the parent ignores what it already holds.
 */
export class AuditUplink {
  private readonly senders = new Map<string, ChainSender>();
  private started = false;

  constructor(private readonly deps: AuditUplinkDeps) {}

  private sender(source: string): ChainSender {
    let s = this.senders.get(source);
    if (!s) {
      s = new ChainSender(source, this.deps);
      this.senders.set(source, s);
    }
    return s;
  }

  async start(): Promise<void> {
    this.started = true;
    this.sender(this.deps.selfId);
    for (const source of await this.deps.copiedSources()) {
      this.sender(source);
    }
  }

  /** New entries of a chain were stored here. */
  wake(source: string): void {
    if (this.started) {
      this.sender(source).wake();
    }
  }

  acked(source: string, upTo: number): void {
    this.senders.get(source)?.acked(upTo);
  }

  /** The parent link is (back) up: whatever was in flight may be lost; every chain goes again from its cursor. */
  reconnected(): void {
    if (!this.started) {
      return;
    }
    for (const s of this.senders.values()) {
      s.resend();
    }
  }

  close(): void {
    for (const s of this.senders.values()) {
      s.close();
    }
  }
}
