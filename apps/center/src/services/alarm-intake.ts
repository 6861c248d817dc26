import type { Alarm, AlarmAck } from '@bsm/protocol';
import type { Logger } from '@bsm/runtime';
import type { AlarmRepository, IncomingAlarm } from '../repositories/alarm.repository.js';

export interface StoredAlarm extends IncomingAlarm {
  outboxPosition: number;
}

export interface AlarmIntakeDeps {
  repo: AlarmRepository;
  log: Logger;
  /** Whether stored alarms are also queued for a parent center. */
  hasParent: boolean;
  sendAck(publisher: string, ack: AlarmAck): void;
  /** What this center decides about an alarm as it arrives (responsibility, deadline), stored with it. */
  policy?(alarm: Alarm, receivedAt: Date, receivedVia: string): { responsible: boolean; deadlineAt: Date | null };
  /** Called once per newly stored alarm (never for duplicates), after the commit, with its outbox position (0 without a parent). */
  onStored(stored: StoredAlarm[]): void;
}

/**
 * Stores alarms in batches: everything that arrived while the previous batch
 * was being written goes into the next one, so latency stays one round-trip
 * at low rates and throughput grows with load. Acks go out only after the
 * commit; if the database fails nothing is acked and the senders resend.
 */
export class AlarmIntake {
  private queue: IncomingAlarm[] = [];
  private flushing = false;
  private readonly maxBatch = 500;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly deps: AlarmIntakeDeps) {}

  submit(alarm: Alarm, receivedVia: string): void {
    const receivedAt = new Date();
    this.queue.push({ alarm, receivedVia, receivedAt, ...this.deps.policy?.(alarm, receivedAt, receivedVia) });
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => void this.drain());
    }
  }

  /** Refuses an alarm outright; the sender drops it from its outbox and logs why. */
  refuse(publisher: string, id: string, reason: string): void {
    this.deps.log.warn({ publisher, alarmId: id, reason }, 'alarm refused');
    this.deps.sendAck(publisher, { ids: [], refused: [{ id, reason }] });
  }

  /** Resolves once everything submitted so far is stored (or failed). */
  idle(): Promise<void> {
    return this.flushing ? new Promise((resolve) => this.idleWaiters.push(resolve)) : Promise.resolve();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.maxBatch);
      try {
        const inserted = await this.deps.repo.storeBatch(batch, this.deps.hasParent);
        const byPublisher = new Map<string, string[]>();
        for (const b of batch) {
          const ids = byPublisher.get(b.receivedVia) ?? [];
          ids.push(b.alarm.id);
          byPublisher.set(b.receivedVia, ids);
        }
        // Duplicates are acked too: the sender missed our earlier ack and must stop resending.
        for (const [publisher, ids] of byPublisher) {
          for (let i = 0; i < ids.length; i += 1000) {
            this.deps.sendAck(publisher, { ids: ids.slice(i, i + 1000), refused: [] });
          }
        }
        const fresh = batch.flatMap((b) => {
          const position = inserted.get(b.alarm.id);
          return position === undefined ? [] : [{ ...b, outboxPosition: position }];
        });
        const duplicates = batch.length - fresh.length;
        if (duplicates > 0) {
          this.deps.log.info({ duplicates }, 'redelivered alarms ignored');
        }
        if (fresh.length > 0) {
          this.deps.onStored(fresh);
        }
      } catch (error) {
        this.deps.log.error({ err: error, alarms: batch.length }, 'storing alarms failed; senders will resend');
      }
    }
    this.flushing = false;
    for (const resolve of this.idleWaiters.splice(0)) {
      resolve();
    }
  }
}
