import type { Alarm, AlarmListQuery, AlarmView } from '@bsm/protocol';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { AlarmsTable } from '../db/schema.js';

/** An alarm as received from a child, before it is stored. */
export interface IncomingAlarm {
  alarm: Alarm;
  receivedVia: string;
  receivedAt: Date;
}

type AlarmRow = Omit<AlarmsTable, 'status' | 'occurred_at' | 'received_at'> & {
  status: AlarmView['status'];
  occurred_at: Date;
  received_at: Date;
};

export function toAlarm(r: AlarmRow): Alarm {
  return {
    id: r.id,
    origin: r.origin,
    seq: r.seq,
    path: r.path,
    type: r.type as Alarm['type'],
    priority: r.priority,
    ...(r.zone === null ? {} : { zone: r.zone }),
    ...(r.input_id === null ? {} : { inputId: r.input_id }),
    linkedCameras: r.linked_cameras,
    occurredAt: r.occurred_at.toISOString(),
    source: r.source as Alarm['source'],
    ...(r.text === null ? {} : { text: r.text }),
  };
}

export function toView(r: AlarmRow, originName: string): AlarmView {
  return { ...toAlarm(r), receivedAt: r.received_at.toISOString(), originName, status: r.status };
}

export class AlarmRepository {
  constructor(private readonly db: Db) {}

  /**
   * Stores a batch in one statement and, when this center has a parent,
   * queues the new ones for it in the same statement — so an alarm is either
   * stored and queued, or neither, in a single round trip. Returns the new
   * alarms with their outbox position (0 without a parent); duplicates (a
   * redelivery) are left out.
   */
  async storeBatch(batch: IncomingAlarm[], queueForParent: boolean): Promise<Map<string, number>> {
    if (batch.length === 0) {
      return new Map();
    }
    const values = batch.map(({ alarm: a, receivedVia, receivedAt }) => ({
      id: a.id,
      origin: a.origin,
      seq: a.seq,
      path: a.path,
      type: a.type,
      priority: a.priority,
      zone: a.zone ?? null,
      input_id: a.inputId ?? null,
      linked_cameras: a.linkedCameras,
      occurred_at: a.occurredAt,
      source: a.source,
      text: a.text ?? null,
      received_at: receivedAt,
      received_via: receivedVia,
    }));
    if (!queueForParent) {
      const rows = await this.db
        .insertInto('alarms')
        .values(values)
        .onConflict((oc) => oc.column('id').doNothing())
        .returning('id')
        .execute();
      return new Map(rows.map((r) => [r.id, 0]));
    }
    // Outbox positions follow each origin's sequence, so the parent receives every branch's alarms in order.
    const rows = await this.db
      .with('stored', (db) =>
        db
          .insertInto('alarms')
          .values(values)
          .onConflict((oc) => oc.column('id').doNothing())
          .returning(['id', 'origin', 'seq']),
      )
      .insertInto('alarm_outbox')
      .columns(['alarm_id'])
      .expression((eb) => eb.selectFrom('stored').select('id').orderBy('origin').orderBy('seq'))
      .returning(['alarm_id', 'position'])
      .execute();
    return new Map(rows.map((r) => [r.alarm_id, Number(r.position)]));
  }

  /** Alarms still owed to the parent and queued after `position`, oldest first. */
  async pendingAfter(position: number, limit: number): Promise<{ position: number; alarm: Alarm }[]> {
    const rows = await this.db
      .selectFrom('alarm_outbox')
      .innerJoin('alarms', 'alarms.id', 'alarm_outbox.alarm_id')
      .selectAll('alarms')
      .select('alarm_outbox.position')
      .where('alarm_outbox.position', '>', String(position))
      .orderBy('alarm_outbox.position')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ position: Number(r.position), alarm: toAlarm(r as unknown as AlarmRow) }));
  }

  async countPendingForParent(): Promise<number> {
    const row = await this.db
      .selectFrom('alarm_outbox')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    return row.n;
  }

  async ackedByParent(ids: string[]): Promise<void> {
    if (ids.length > 0) {
      await this.db.deleteFrom('alarm_outbox').where('alarm_id', 'in', ids).execute();
    }
  }

  /** Newest first, only alarms whose origin lies under `root`. */
  async list(root: string, q: AlarmListQuery): Promise<AlarmView[]> {
    let query = this.db
      .selectFrom('alarms')
      .innerJoin('nodes', 'nodes.id', 'alarms.origin')
      .selectAll('alarms')
      .select('nodes.name as origin_name')
      .where(sql<boolean>`nodes.path @> ARRAY[${root}]::text[]`);
    if (q.before) {
      query = query.where('alarms.id', '<', q.before);
    }
    if (q.nodeId) {
      query = query.where(sql<boolean>`nodes.path @> ARRAY[${q.nodeId}]::text[]`);
    }
    if (q.type) {
      query = query.where('alarms.type', '=', q.type);
    }
    const rows = await query.orderBy('alarms.id', 'desc').limit(q.limit).execute();
    return rows.map((r) => toView(r as AlarmRow, r.origin_name));
  }

  async countAll(): Promise<number> {
    const row = await this.db
      .selectFrom('alarms')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    return row.n;
  }
}
