import type { AlarmEvent } from '@bsm/protocol';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';

export interface StoredEvent {
  position: number;
  event: AlarmEvent;
}

/**
 * The handling events of alarms, in the order this center stored them
 * (`position`), with where each came from, and how far each neighbour has
 * acknowledged what we sent it.
 */
export class AlarmEventRepository {
  /** The insert in progress; the next one starts after it (see `insert`). */
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Db) {}

  /**
   * Stores events not seen before (by id); returns those that were new.
   *
   * One insert at a time: senders tail this table by `position` and move a
   * cursor past what they read. Two inserts on two pool connections can
   * commit out of position order, and a sender reading between the two
   * commits would step past the lower position for good — an escalation
   * never sent up. Serialized, positions become visible in order. (This
   * center's process is the table's only writer.)
   */
  insert(events: AlarmEvent[], receivedFrom: string | null): Promise<AlarmEvent[]> {
    if (events.length === 0) {
      return Promise.resolve([]);
    }
    const done = this.writing.then(() => this.insertNow(events, receivedFrom));
    this.writing = done.catch(() => undefined);
    return done;
  }

  private async insertNow(events: AlarmEvent[], receivedFrom: string | null): Promise<AlarmEvent[]> {
    const rows = await this.db
      .insertInto('alarm_events')
      .values(
        events.map((e) => ({
          id: e.id,
          alarm_id: e.alarmId,
          at: e.at,
          action: e.action,
          body: JSON.stringify(e),
          received_from: receivedFrom,
        })),
      )
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    const fresh = new Set(rows.map((r) => r.id));
    return events.filter((e) => fresh.has(e.id));
  }

  async forAlarms(alarmIds: string[]): Promise<Map<string, AlarmEvent[]>> {
    const byAlarm = new Map<string, AlarmEvent[]>(alarmIds.map((id) => [id, []]));
    if (alarmIds.length === 0) {
      return byAlarm;
    }
    const rows = await this.db
      .selectFrom('alarm_events')
      .select(['alarm_id', 'body'])
      .where('alarm_id', 'in', alarmIds)
      .orderBy('position')
      .execute();
    for (const r of rows) {
      byAlarm.get(r.alarm_id)?.push(r.body);
    }
    return byAlarm;
  }

  /** Escalations naming this center whose alarm is stored here but not (yet) this center's responsibility. */
  async escalationsAwaiting(selfId: string): Promise<AlarmEvent[]> {
    const rows = await this.db
      .selectFrom('alarm_events as e')
      .innerJoin('alarms as a', 'a.id', 'e.alarm_id')
      .select('e.body')
      .where('e.action', '=', 'escalate')
      .where(sql<boolean>`e.body->'escalation'->>'to' = ${selfId}`)
      .where('a.responsible', '=', false)
      .orderBy('e.position')
      .execute();
    return rows.map((r) => r.body);
  }

  /** Events owed to the parent: made here or received from below, after `after`. */
  async pendingForParent(parent: string, after: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.db
      .selectFrom('alarm_events')
      .select(['position', 'body'])
      .where('position', '>', String(after))
      .where(sql<boolean>`received_from IS DISTINCT FROM ${parent}`)
      .orderBy('position')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ position: Number(r.position), event: r.body }));
  }

  /** Events owed to a child center: of alarms that came up through it, not received from it, after `after`. */
  async pendingForChild(child: string, after: number, limit: number): Promise<StoredEvent[]> {
    const rows = await this.db
      .selectFrom('alarm_events as e')
      .innerJoin('alarms as a', 'a.id', 'e.alarm_id')
      .select(['e.position', 'e.body'])
      .where('e.position', '>', String(after))
      .where(sql<boolean>`e.received_from IS DISTINCT FROM ${child}`)
      .where(sql<boolean>`a.path @> ARRAY[${child}]::text[]`)
      .orderBy('e.position')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ position: Number(r.position), event: r.body }));
  }

  async cursor(peer: string): Promise<number> {
    const row = await this.db
      .selectFrom('event_cursors')
      .select('position')
      .where('peer', '=', peer)
      .executeTakeFirst();
    return row ? Number(row.position) : 0;
  }

  /** Moves a neighbour's cursor forward (never back: acks may arrive out of order). */
  async advanceCursor(peer: string, position: number): Promise<void> {
    await this.db
      .insertInto('event_cursors')
      .values({ peer, position: String(position) })
      .onConflict((oc) =>
        oc.column('peer').doUpdateSet({ position: sql`GREATEST(event_cursors.position, excluded.position)` }),
      )
      .execute();
  }

  /** The newest position stored, for a sender to know whether it is caught up. */
  async lastPosition(): Promise<number> {
    const row = await this.db
      .selectFrom('alarm_events')
      .select(sql<string | null>`max(position)`.as('p'))
      .executeTakeFirstOrThrow();
    return row.p === null ? 0 : Number(row.p);
  }
}
