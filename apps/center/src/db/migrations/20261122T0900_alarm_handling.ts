import { sql, type Kysely } from 'kysely';

/**
 * Alarm handling: the events of each alarm (made here or received from the
 * tiers above and below), the state they add up to on the alarm row, this
 * center's responsibility and deadline, and the positions up to which the
 * parent and each child center have acknowledged our events.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE alarms DROP CONSTRAINT IF EXISTS alarms_status_check;
    ALTER TABLE alarms ADD CONSTRAINT alarms_status_check CHECK (status IN
      ('new', 'acknowledged', 'verifying', 'dispatched', 'false_alarm', 'test', 'on_hold', 'closed'));
    ALTER TABLE alarms
      ADD COLUMN signal text NOT NULL DEFAULT 'alarm' CHECK (signal IN ('alarm', 'restore')),
      ADD COLUMN state jsonb,
      ADD COLUMN responsible boolean NOT NULL DEFAULT false,
      ADD COLUMN responsible_since timestamptz,
      ADD COLUMN deadline_at timestamptz,
      ADD COLUMN late_escalation boolean NOT NULL DEFAULT false;
    DROP INDEX IF EXISTS alarms_open;
    CREATE INDEX alarms_open ON alarms (priority, received_at) WHERE status <> 'closed' AND signal = 'alarm';
    CREATE INDEX alarms_deadline ON alarms (deadline_at) WHERE deadline_at IS NOT NULL;
    CREATE INDEX alarms_restore_match ON alarms (origin, type) WHERE status <> 'closed' AND signal = 'alarm';

    CREATE TABLE alarm_events (
      position bigserial PRIMARY KEY,
      id text NOT NULL UNIQUE,
      alarm_id text NOT NULL,
      at timestamptz NOT NULL,
      action text NOT NULL,
      body jsonb NOT NULL,
      -- null: made at this center; otherwise the neighbour (parent or child) it came from.
      received_from text,
      received_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX alarm_events_alarm ON alarm_events (alarm_id);

    -- How far a neighbour has acknowledged our events: 'parent', or 'child:<id>'.
    CREATE TABLE event_cursors (
      peer text PRIMARY KEY,
      position bigint NOT NULL
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE event_cursors;
    DROP TABLE alarm_events;
    DROP INDEX IF EXISTS alarms_restore_match;
    DROP INDEX IF EXISTS alarms_deadline;
    DROP INDEX IF EXISTS alarms_open;
    CREATE INDEX alarms_open ON alarms (origin) WHERE status <> 'closed';
    ALTER TABLE alarms
      DROP COLUMN late_escalation,
      DROP COLUMN deadline_at,
      DROP COLUMN responsible_since,
      DROP COLUMN responsible,
      DROP COLUMN state,
      DROP COLUMN signal;
    UPDATE alarms SET status = 'acknowledged' WHERE status NOT IN ('new', 'acknowledged', 'closed');
    ALTER TABLE alarms DROP CONSTRAINT IF EXISTS alarms_status_check;
    ALTER TABLE alarms ADD CONSTRAINT alarms_status_check CHECK (status IN ('new', 'acknowledged', 'closed'));
  `.execute(db);
}
