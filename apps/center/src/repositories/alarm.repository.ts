import {
  alarmStateOf,
  DEFAULT_PROCEDURES,
  type Alarm,
  type AlarmListQuery,
  type AlarmState,
  type AlarmView,
  type ProcedureStep,
} from '@bsm/protocol';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import type { AlarmsTable } from '../db/schema.js';

/** An alarm as received from a child, before it is stored, with what this center decided about it. */
export interface IncomingAlarm {
  alarm: Alarm;
  receivedVia: string;
  receivedAt: Date;
  /** This center received it first, from the branch: its officers must act, before `deadlineAt`. */
  responsible?: boolean;
  deadlineAt?: Date | null;
}

export type AlarmRow = Omit<
  AlarmsTable,
  | 'status'
  | 'occurred_at'
  | 'received_at'
  | 'signal'
  | 'responsible'
  | 'late_escalation'
  | 'responsible_since'
  | 'deadline_at'
  | 'state'
> & {
  status: AlarmView['status'];
  state: AlarmState | null;
  signal: 'alarm' | 'restore';
  occurred_at: Date;
  received_at: Date;
  responsible: boolean;
  responsible_since: Date | null;
  deadline_at: Date | null;
  late_escalation: boolean;
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
    ...(r.signal === 'restore' ? { signal: 'restore' as const } : {}),
    ...(r.subject === null ? {} : { subject: r.subject }),
  };
}

/** A center's rules for handling alarms, from its config. */
export interface HandlingRules {
  /** The checklist officers work through for an alarm of this type. */
  procedureOf(type: Alarm['type']): readonly ProcedureStep[];
  /** Whether an alarm of this type opens its linked cameras on the responsible officers' video wall. */
  opensVideo(type: Alarm['type']): boolean;
}

export const DEFAULT_RULES: HandlingRules = {
  procedureOf: (type) => DEFAULT_PROCEDURES[type],
  opensVideo: (type) => ['panic', 'duress', 'vault_door', 'intrusion', 'atm_tamper', 'fire'].includes(type),
};

/** The state of an alarm with no event yet. */
const stateOf = (r: AlarmRow): AlarmState => r.state ?? alarmStateOf(r.type as Alarm['type'], []);

export function toView(r: AlarmRow, originName: string, rules: HandlingRules = DEFAULT_RULES): AlarmView {
  const state = stateOf(r);
  return {
    ...toAlarm(r),
    receivedAt: r.received_at.toISOString(),
    originName,
    status: state.status,
    owner: state.owner,
    closedBy: state.closedBy,
    disposition: state.disposition,
    closeNote: state.closeNote,
    latched: state.latched,
    restoredAt: state.restoredAt,
    escalations: state.escalations,
    responsible: r.responsible,
    deadlineAt: r.deadline_at === null || state.status !== 'new' ? null : r.deadline_at.toISOString(),
    lateEscalation: r.late_escalation,
    openVideo: r.responsible && r.linked_cameras.length > 0 && rules.opensVideo(r.type as Alarm['type']),
    procedure: rules.procedureOf(r.type as Alarm['type']).map((step) => {
      const done = state.stepsDone.find((d) => d.step === step);
      return { step, done: done ? { by: done.by, at: done.at } : null };
    }),
  };
}

/** The handling fields of an alarm just stored, before any event (for the `alarm:new` push). */
export function freshHandling(
  alarm: Alarm,
  decided: { responsible?: boolean; deadlineAt?: Date | null },
  rules: HandlingRules = DEFAULT_RULES,
): Omit<AlarmView, keyof Alarm | 'receivedAt' | 'originName'> {
  const state = alarmStateOf(alarm.type, []);
  return {
    status: state.status,
    owner: null,
    closedBy: null,
    disposition: null,
    closeNote: null,
    latched: state.latched,
    restoredAt: null,
    escalations: [],
    responsible: decided.responsible === true,
    deadlineAt: decided.deadlineAt ? decided.deadlineAt.toISOString() : null,
    lateEscalation: false,
    openVideo: decided.responsible === true && alarm.linkedCameras.length > 0 && rules.opensVideo(alarm.type),
    procedure: rules.procedureOf(alarm.type).map((step) => ({ step, done: null })),
  };
}

export class AlarmRepository {
  constructor(
    private readonly db: Db,
    readonly rules: HandlingRules = DEFAULT_RULES,
  ) {}

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
    const values = batch.map(({ alarm: a, receivedVia, receivedAt, responsible, deadlineAt }) => ({
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
      signal: a.signal ?? 'alarm',
      responsible: responsible === true,
      responsible_since: responsible === true ? receivedAt : null,
      deadline_at: deadlineAt ?? null,
      subject: a.subject ?? null,
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

  /**
   * Alarms whose origin lies under `root` (restore signals left out): the
   * open queue most urgent first (priority, then age), otherwise newest first.
   */
  async list(root: string, q: Partial<AlarmListQuery> & { limit: number }): Promise<AlarmView[]> {
    // An alarm belongs where its subject (or else its origin) is: a center's alarm about a branch shows at the branch.
    let query = this.db
      .selectFrom('alarms')
      .innerJoin('nodes', (j) => j.on(sql<boolean>`nodes.id = COALESCE(alarms.subject, alarms.origin)`))
      .selectAll('alarms')
      .select('nodes.name as origin_name')
      .where('alarms.signal', '=', 'alarm')
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
    if (q.state === 'open') {
      query = query.where('alarms.status', '<>', 'closed');
    } else if (q.state === 'closed') {
      query = query.where('alarms.status', '=', 'closed');
    }
    if (q.responsible !== undefined) {
      query = query.where('alarms.responsible', '=', q.responsible);
    }
    query =
      q.state === 'open'
        ? query.orderBy('alarms.priority').orderBy('alarms.received_at').orderBy('alarms.id')
        : query.orderBy('alarms.id', 'desc');
    const rows = await query.limit(q.limit).execute();
    return rows.map((r) => toView(r as unknown as AlarmRow, r.origin_name, this.rules));
  }

  async get(id: string): Promise<(AlarmRow & { origin_name: string }) | undefined> {
    const row = await this.db
      .selectFrom('alarms')
      .leftJoin('nodes', (j) => j.on(sql<boolean>`nodes.id = COALESCE(alarms.subject, alarms.origin)`))
      .selectAll('alarms')
      .select('nodes.name as origin_name')
      .where('alarms.id', '=', id)
      .executeTakeFirst();
    return row ? { ...row, origin_name: row.origin_name ?? row.origin } : undefined;
  }

  async view(id: string): Promise<AlarmView | undefined> {
    const row = await this.get(id);
    return row ? toView(row, row.origin_name, this.rules) : undefined;
  }

  /** Saves what the alarm's events add up to; the deadline ends once it is no longer new. */
  async saveState(id: string, state: AlarmState): Promise<void> {
    await this.db
      .updateTable('alarms')
      .set({
        state: JSON.stringify(state),
        status: state.status,
        ...(state.status === 'new' ? {} : { deadline_at: null }),
      })
      .where('id', '=', id)
      .execute();
  }

  /**
   * An escalation reached this center: its officers must act now, before `deadlineAt` (null: already
   * handled). Saved with the state the escalation adds up to, in one statement, so nobody reading the
   * alarm meanwhile sees it handed here without the escalation that did it.
   */
  async takeResponsibility(
    id: string,
    since: Date,
    deadlineAt: Date | null,
    late: boolean,
    state: AlarmState,
  ): Promise<void> {
    await this.db
      .updateTable('alarms')
      .set({
        responsible: true,
        responsible_since: since,
        deadline_at: deadlineAt,
        late_escalation: late,
        state: JSON.stringify(state),
        status: state.status,
      })
      .where('id', '=', id)
      .where('responsible', '=', false)
      .execute();
  }

  /** The deadline passed and the alarm went to the parent: no second escalation. */
  async clearDeadline(id: string): Promise<void> {
    await this.db.updateTable('alarms').set({ deadline_at: null }).where('id', '=', id).execute();
  }

  /** The next sequence number of alarms this center raises itself (it is their origin). */
  async nextOwnSeq(selfId: string): Promise<number> {
    const row = await this.db
      .selectFrom('alarms')
      .select(sql<number>`COALESCE(max(seq), 0)::int`.as('seq'))
      .where('origin', '=', selfId)
      .executeTakeFirstOrThrow();
    return row.seq + 1;
  }

  /** Open alarms of a type this center raised about a node (to mark them restored). */
  async openAbout(selfId: string, subject: string, type: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('alarms')
      .select('id')
      .where('origin', '=', selfId)
      .where('subject', '=', subject)
      .where('type', '=', type)
      .where('status', '<>', 'closed')
      .execute();
    return rows.map((r) => r.id);
  }

  /** Alarms waiting for an acknowledgment here, with their deadline: to (re)arm the timers at start. */
  async deadlines(): Promise<{ id: string; deadlineAt: Date }[]> {
    const rows = await this.db
      .selectFrom('alarms')
      .select(['id', 'deadline_at'])
      .where('deadline_at', 'is not', null)
      .where('status', '=', 'new')
      .execute();
    return rows.flatMap((r) => (r.deadline_at === null ? [] : [{ id: r.id, deadlineAt: r.deadline_at }]));
  }

  /** Open alarms a restore signal from the branch applies to: same origin and type, same input (or zone). */
  async openMatching(origin: string, type: string, inputId: string | null, zone: string | null): Promise<string[]> {
    let query = this.db
      .selectFrom('alarms')
      .select('id')
      .where('origin', '=', origin)
      .where('type', '=', type)
      .where('signal', '=', 'alarm')
      .where('status', '<>', 'closed');
    if (inputId !== null) {
      query = query.where('input_id', '=', inputId);
    } else if (zone !== null) {
      query = query.where('zone', '=', zone);
    }
    return (await query.execute()).map((r) => r.id);
  }

  async countAll(): Promise<number> {
    const row = await this.db
      .selectFrom('alarms')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    return row.n;
  }
}
