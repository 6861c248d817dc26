import type { AuditBreak, AuditChainEntry, AuditProblemKind } from '@bsm/protocol';
import type { Db } from '../db/database.js';

export interface ChainHead {
  source: string;
  lastSeq: number;
  lastAt: Date | null;
}

/**
 * The chains of the centers below as they arrived (append-only, keyed by
 * source and seq), what was found wrong in them, and how far our parent has
 * acknowledged each chain we send up.
 */
export class AuditCopyRepository {
  constructor(private readonly db: Db) {}

  /** The hashes stored for these positions of a copied chain. */
  async hashes(source: string, seqs: number[]): Promise<Map<number, string>> {
    if (seqs.length === 0) {
      return new Map();
    }
    const rows = await this.db
      .selectFrom('audit_copies')
      .select(['seq', 'hash'])
      .where('source', '=', source)
      .where('seq', 'in', seqs)
      .execute();
    return new Map(rows.map((r) => [r.seq, r.hash]));
  }

  /** Stores entries of a copied chain (those already held are kept as they were) and the breaks found in them. */
  async store(
    source: string,
    receivedFrom: string,
    entries: AuditChainEntry[],
    breaks: { seq: number; kind: AuditProblemKind; message: string }[],
  ): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (entries.length > 0) {
        await trx
          .insertInto('audit_copies')
          .values(
            entries.map((e) => ({
              source,
              seq: e.seq,
              source_id: e.id,
              at: e.at,
              actor: e.actor,
              action: e.action,
              target: e.target,
              outcome: e.outcome,
              ip: e.ip,
              detail: JSON.stringify(e.detail),
              prev_hash: e.prevHash,
              hash: e.hash,
              received_from: receivedFrom,
            })),
          )
          .onConflict((oc) => oc.columns(['source', 'seq']).doNothing())
          .execute();
      }
      if (breaks.length > 0) {
        await trx
          .insertInto('audit_breaks')
          .values(breaks.map((b) => ({ source, seq: b.seq, kind: b.kind, message: b.message })))
          .onConflict((oc) => oc.columns(['source', 'seq', 'kind']).doNothing())
          .execute();
      }
    });
  }

  /** Last entry of every copied chain held here. */
  async heads(): Promise<ChainHead[]> {
    const rows = await this.db
      .selectFrom('audit_copies')
      .select((eb) => ['source', eb.fn.max('seq').as('last_seq'), eb.fn.max('at').as('last_at')])
      .groupBy('source')
      .orderBy('source')
      .execute();
    return rows.map((r) => ({ source: r.source, lastSeq: Number(r.last_seq), lastAt: r.last_at }));
  }

  async breaks(limit: number): Promise<AuditBreak[]> {
    const rows = await this.db.selectFrom('audit_breaks').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map((r) => ({
      source: r.source,
      seq: r.seq,
      kind: r.kind as AuditProblemKind,
      message: r.message,
      detectedAt: r.detected_at.toISOString(),
    }));
  }

  /** Breaks found per source. */
  async breakCounts(): Promise<Map<string, number>> {
    const rows = await this.db
      .selectFrom('audit_breaks')
      .select((eb) => ['source', eb.fn.countAll<number>().as('n')])
      .groupBy('source')
      .execute();
    return new Map(rows.map((r) => [r.source, Number(r.n)]));
  }

  /** The `seq` up to which the parent has stored the chain of `source` (0: nothing yet). */
  async cursor(source: string): Promise<number> {
    const row = await this.db
      .selectFrom('audit_cursors')
      .select('acked_seq')
      .where('source', '=', source)
      .executeTakeFirst();
    return row?.acked_seq ?? 0;
  }

  async cursors(): Promise<Map<string, number>> {
    const rows = await this.db.selectFrom('audit_cursors').selectAll().execute();
    return new Map(rows.map((r) => [r.source, r.acked_seq]));
  }

  /** Moves a cursor forward (never back: a late ack of an older batch changes nothing). */
  async advanceCursor(source: string, upTo: number): Promise<void> {
    await this.db
      .insertInto('audit_cursors')
      .values({ source, acked_seq: upTo })
      .onConflict((oc) =>
        oc.column('source').doUpdateSet((eb) => ({
          acked_seq: eb.fn('greatest', [eb.ref('audit_cursors.acked_seq'), eb.ref('excluded.acked_seq')]),
        })),
      )
      .execute();
  }
}
