import { sql, type Kysely } from 'kysely';

/**
 * Two factors for every user: the authenticator secret (RFC 6238), the last
 * time step accepted (a code works once), and the one-time recovery codes,
 * kept as SHA-256 hashes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE users
      ADD COLUMN totp_secret text,
      ADD COLUMN totp_enrolled_at timestamptz,
      ADD COLUMN totp_last_step bigint NOT NULL DEFAULT 0,
      ADD COLUMN recovery_codes text[] NOT NULL DEFAULT '{}';
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE users
      DROP COLUMN recovery_codes,
      DROP COLUMN totp_last_step,
      DROP COLUMN totp_enrolled_at,
      DROP COLUMN totp_secret;
  `.execute(db);
}
