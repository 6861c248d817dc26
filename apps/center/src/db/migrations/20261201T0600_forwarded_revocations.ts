import { sql, type Kysely } from 'kysely';

/**
 * Revocations from the centers above that this center passes on to its
 * children (S7): kept in the database, so a child that reconnects after this
 * center restarted still learns which sessions ended above.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE forwarded_revocations (
      issuer text NOT NULL,
      session text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (issuer, session)
    );
    CREATE INDEX forwarded_revocations_received ON forwarded_revocations (received_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE forwarded_revocations;`.execute(db);
}
