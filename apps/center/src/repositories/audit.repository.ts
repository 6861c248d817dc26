import type { AuditRecord, AuditQuery } from '@bsm/protocol';
import { createLogger, type Logger } from '@bsm/runtime';
import { sql, type Selectable } from 'kysely';
import { nextEntry, type AuditEntry } from '../audit/chain.js';
import type { Db } from '../db/database.js';
import type { AuditRecordsView } from '../db/schema.js';

export type { AuditEntry };

/** The trail could not be written: the caller decides whether the operation may go on without it. */
export class AuditWriteError extends Error {
  constructor(cause: unknown) {
    super(`the audit trail cannot be written: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.cause = cause;
  }
}

/** Filters of a search or an export (`AuditQuery` without its paging). */
export type AuditFilter = Pick<AuditQuery, 'from' | 'to' | 'actor' | 'action' | 'target' | 'outcome'>;

/** Entries written together in one transaction, at most. */
const MAX_BATCH = 200;

interface Pending {
  entry: AuditEntry;
  resolve(record: AuditRecord): void;
  reject(error: unknown): void;
}

export const recordOf = (r: Selectable<AuditRecordsView>): AuditRecord => ({
  source: r.source,
  seq: r.seq,
  id: r.id,
  at: r.at.toISOString(),
  actor: r.actor,
  action: r.action,
  target: r.target,
  outcome: r.outcome,
  ip: r.ip,
  detail: r.detail,
  prevHash: r.prev_hash,
  hash: r.hash,
});

/**
 * This center's audit chain (S8, S9). `append` gives each entry the next
 * `seq` and chains it to the previous entry's hash. Appends are serialized:
 * within the process by a queue (whatever arrived while a batch was being
 * written goes into the next one, in one transaction), and across processes
 * by a transaction-level advisory lock held while the head is read and the
 * entries inserted, so two processes sharing a database never fork the
 * chain. The table itself refuses UPDATE, DELETE and TRUNCATE (a trigger).
 */
export class AuditRepository {
  private readonly queue: Pending[] = [];
  private draining: Promise<void> | null = null;
  private readonly listeners: ((seq: number) => void)[] = [];

  private readonly log: Logger;
  private centerId: string | null;

  /**
   * `centerId` names the chain's owner; without it (a command-line tool that
   * only has the database) it is the center the database belongs to.
   */
  constructor(
    private readonly db: Db,
    centerId?: string,
    log?: Logger,
  ) {
    this.centerId = centerId ?? null;
    this.log = log ?? createLogger('audit');
  }

  private async owner(): Promise<string> {
    if (this.centerId === null) {
      const self = await this.db
        .selectFrom('nodes')
        .select('id')
        .where('reported_by', 'is', null)
        .where('kind', '=', 'center')
        .executeTakeFirst();
      if (!self) {
        throw new Error('this database belongs to no center yet: the audit chain has no owner');
      }
      this.centerId = self.id;
    }
    return this.centerId;
  }

  /** Called with the new head's `seq` after entries are committed (the uplink sends them on). */
  onAppended(listener: (seq: number) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Writes one entry and resolves with it as stored; rejects with
   * `AuditWriteError` (after logging it loudly) when it cannot be written.
   */
  append(entry: AuditEntry): Promise<AuditRecord> {
    return new Promise<AuditRecord>((resolve, reject) => {
      this.queue.push({ entry, resolve, reject });
      this.kick();
    });
  }

  private kick(): void {
    if (this.draining) {
      return;
    }
    this.draining = this.drain().finally(() => {
      this.draining = null;
      // An entry queued while the last batch was being committed.
      if (this.queue.length > 0) {
        this.kick();
      }
    });
  }

  /** Resolves once every entry asked for so far is written (or has failed): the center waits for it before closing. */
  async idle(): Promise<void> {
    while (this.draining) {
      await this.draining;
    }
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      let stored: AuditRecord[];
      try {
        stored = await this.write(batch.map((p) => p.entry));
      } catch (error) {
        this.log.error(
          {
            err: error,
            entries: batch.map((p) => ({ actor: p.entry.actor, action: p.entry.action, target: p.entry.target })),
          },
          'AUDIT TRAIL WRITE FAILED: these operations are not recorded',
        );
        const failure = new AuditWriteError(error);
        batch.forEach((p) => p.reject(failure));
        continue;
      }
      batch.forEach((p, i) => p.resolve(stored[i] as AuditRecord));
      const head = stored.at(-1)?.seq ?? 0;
      for (const listener of this.listeners) {
        listener(head);
      }
    }
  }

  private async write(entries: AuditEntry[]): Promise<AuditRecord[]> {
    const centerId = await this.owner();
    return this.db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext('bsm.audit_events'))`.execute(trx);
      const head = await trx
        .selectFrom('audit_events')
        .select(['seq', 'hash'])
        .orderBy('seq', 'desc')
        .limit(1)
        .executeTakeFirst();
      const at = new Date();
      let prev: { seq: number; hash: string } | null = head ?? null;
      const rows = entries.map((e) => {
        const next = nextEntry(centerId, prev, at, e);
        prev = next;
        return next;
      });
      const inserted = await trx
        .insertInto('audit_events')
        .values(
          rows.map((r) => ({
            at: r.at,
            actor: r.actor,
            action: r.action,
            target: r.target,
            outcome: r.outcome,
            ip: r.ip,
            detail: JSON.stringify(r.detail),
            seq: r.seq,
            center_id: centerId,
            prev_hash: r.prevHash,
            hash: r.hash,
          })),
        )
        .returning(['id', 'seq'])
        .execute();
      const ids = new Map(inserted.map((r) => [r.seq, r.id]));
      return rows.map((r) => ({
        source: centerId,
        seq: r.seq,
        id: ids.get(r.seq) ?? 0,
        at: r.at,
        actor: r.actor,
        action: r.action,
        target: r.target,
        outcome: r.outcome,
        ip: r.ip,
        detail: r.detail,
        prevHash: r.prevHash,
        hash: r.hash,
      }));
    });
  }

  /** The last entry of our own chain, or null while it is empty. */
  async head(): Promise<{ seq: number; at: Date } | null> {
    const row = await this.db
      .selectFrom('audit_events')
      .select(['seq', 'at'])
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ?? null;
  }

  /** Entries of one chain (ours or a copy) after `afterSeq`, in chain order: what verification and the uplink read. */
  async chain(source: string, afterSeq: number, limit: number): Promise<AuditRecord[]> {
    const rows = await this.db
      .selectFrom('audit_records')
      .selectAll()
      .where('source', '=', source)
      .where('seq', '>', afterSeq)
      .orderBy('seq', 'asc')
      .limit(limit)
      .execute();
    return rows.map(recordOf);
  }

  private filtered(source: string, f: AuditFilter) {
    let q = this.db.selectFrom('audit_records').selectAll().where('source', '=', source);
    if (f.from !== undefined) {
      q = q.where('at', '>=', new Date(f.from));
    }
    if (f.to !== undefined) {
      q = q.where('at', '<', new Date(f.to));
    }
    if (f.actor !== undefined) {
      q = q.where('actor', '=', f.actor);
    }
    const { action, target } = f;
    if (action !== undefined) {
      q = q.where((eb) => eb.fn<boolean>('starts_with', [eb.ref('action'), eb.val(action)]));
    }
    if (target !== undefined) {
      q = q.where((eb) => eb.fn<boolean>('starts_with', [eb.ref('target'), eb.val(target)]));
    }
    if (f.outcome !== undefined) {
      q = q.where('outcome', '=', f.outcome);
    }
    return q;
  }

  /** One page of a search, newest first: entries below `beforeSeq` matching the filter. */
  async search(source: string, f: AuditFilter, limit: number, beforeSeq?: number): Promise<AuditRecord[]> {
    let q = this.filtered(source, f);
    if (beforeSeq !== undefined) {
      q = q.where('seq', '<', beforeSeq);
    }
    return (await q.orderBy('seq', 'desc').limit(limit).execute()).map(recordOf);
  }

  /** One page of an export, oldest first: entries after `afterSeq` matching the filter. */
  async exportPage(source: string, f: AuditFilter, afterSeq: number, limit: number): Promise<AuditRecord[]> {
    return (
      await this.filtered(source, f).where('seq', '>', afterSeq).orderBy('seq', 'asc').limit(limit).execute()
    ).map(recordOf);
  }
}
