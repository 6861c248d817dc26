import { sql, type Kysely } from 'kysely';

/** The node an alarm is about when a center raises it for a branch (e.g. the branch went offline). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE alarms ADD COLUMN subject text;
    CREATE INDEX alarms_subject_open ON alarms (subject) WHERE subject IS NOT NULL AND status <> 'closed';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX IF EXISTS alarms_subject_open;
    ALTER TABLE alarms DROP COLUMN subject;
  `.execute(db);
}
