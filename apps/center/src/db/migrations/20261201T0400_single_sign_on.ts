import { sql, type Kysely } from 'kysely';

/**
 * Single sign-on down the tree (S7): each center's signing key, the keys of
 * the centers above it that it trusts, the console address of each center,
 * and sessions opened here for a user signed in at a center above (no local
 * user row: who they are comes with the signed ticket).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE nodes ADD COLUMN console_url text;
    CREATE TABLE signing_keys (
      id text PRIMARY KEY,
      public_jwk jsonb NOT NULL,
      private_jwk jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE trusted_issuers (
      center_id text PRIMARY KEY,
      public_jwk jsonb NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now()
    );
    ALTER TABLE sessions
      ALTER COLUMN user_id DROP NOT NULL,
      ADD COLUMN remote_user jsonb,
      ADD COLUMN issuer text,
      ADD COLUMN issuer_session text,
      ADD CONSTRAINT sessions_local_or_remote CHECK ((user_id IS NULL) = (remote_user IS NOT NULL));
    CREATE INDEX sessions_issuer ON sessions (issuer, issuer_session) WHERE issuer IS NOT NULL;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DELETE FROM sessions WHERE user_id IS NULL;
    DROP INDEX sessions_issuer;
    ALTER TABLE sessions
      DROP CONSTRAINT sessions_local_or_remote,
      DROP COLUMN issuer_session,
      DROP COLUMN issuer,
      DROP COLUMN remote_user,
      ALTER COLUMN user_id SET NOT NULL;
    DROP TABLE trusted_issuers;
    DROP TABLE signing_keys;
    ALTER TABLE nodes DROP COLUMN console_url;
  `.execute(db);
}
