import { sql, type Kysely } from 'kysely';

/** The branch staff role: a branch's own people, who use its panel and see its alarms only. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    INSERT INTO roles (name, description) VALUES
      ('branch_staff', 'Uses the branch panel of one branch: panic and duress buttons, arming, its alarms')
    ON CONFLICT (name) DO NOTHING;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE role = 'branch_staff');
    DELETE FROM users WHERE role = 'branch_staff';
    DELETE FROM roles WHERE name = 'branch_staff';
  `.execute(db);
}
