import { sql, type Kysely } from 'kysely';

/**
 * Permissions granted separately: the auditor role, a user's own list of
 * permissions (null: the role's defaults), and the addresses a user may sign
 * in from (CIDR; empty: anywhere the center allows).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    INSERT INTO roles (name, description) VALUES
      ('auditor', 'Reads and exports the audit trail; changes nothing and sees no video, alarms or recordings')
    ON CONFLICT (name) DO NOTHING;
    ALTER TABLE users
      ADD COLUMN permissions text[],
      ADD COLUMN allowed_ips text[] NOT NULL DEFAULT '{}',
      ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE users DROP COLUMN updated_at, DROP COLUMN allowed_ips, DROP COLUMN permissions;
    DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE role = 'auditor');
    DELETE FROM users WHERE role = 'auditor';
    DELETE FROM roles WHERE name = 'auditor';
  `.execute(db);
}
