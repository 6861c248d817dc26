import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPostgres, type TestPostgres } from '../../../../test/support/postgres.js';
import { createDb, migrateToLatest, migrator, type Db } from './database.js';

describe('database migrations', () => {
  let pg: TestPostgres;
  let db: Db;

  const tables = async (): Promise<string[]> =>
    (
      await sql<{
        tablename: string;
      }>`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT LIKE 'kysely_%' ORDER BY 1`.execute(
        db,
      )
    ).rows.map((r) => r.tablename);

  beforeAll(async () => {
    pg = await startTestPostgres();
    db = createDb(await pg.freshDatabase('bsm_migrations'), 2);
  });

  afterAll(async () => {
    await db?.destroy();
    await pg?.stop();
  });

  it('go up to the latest schema, all the way down, and up again', async () => {
    expect(await migrateToLatest(db)).toContain('20261122T0300_initial_schema');
    expect(await tables()).toEqual(
      expect.arrayContaining(['alarm_outbox', 'alarms', 'audit_events', 'nodes', 'roles', 'sessions', 'users']),
    );
    expect(await tables()).toEqual(expect.arrayContaining(['alarm_events', 'event_cursors']));
    expect(await migrateToLatest(db)).toEqual([]); // idempotent
    // Step by step down, each migration's down undoing its up, to an empty database.
    const applied = (await migrator(db).getMigrations()).filter((m) => m.executedAt !== undefined).length;
    for (let step = 0; step < applied; step++) {
      const { error, results } = await migrator(db).migrateDown();
      expect(error, results?.[0]?.migrationName).toBeUndefined();
      if (step === 0) {
        expect(await tables()).toContain('alarm_events'); // the newest ones first
      }
    }
    expect(await tables()).toEqual([]);
    await migrateToLatest(db);
    const roles = await db.selectFrom('roles').select('name').orderBy('name').execute();
    expect(roles.map((r) => r.name)).toEqual([
      'auditor',
      'branch_staff',
      'operator',
      'ordinary_user',
      'security_admin',
      'super_operator',
    ]);
  });
});
