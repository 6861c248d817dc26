import { Kysely, Migrator, PostgresDialect, type Migration, type MigrationProvider } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import * as initialSchema from './migrations/20261122T0300_initial_schema.js';
import * as alarmHandling from './migrations/20261122T0900_alarm_handling.js';
import * as branchStaff from './migrations/20261122T1000_branch_staff.js';
import * as alarmSubject from './migrations/20261122T1030_alarm_subject.js';
import * as permissions from './migrations/20261201T0100_permissions.js';
import * as twoFactor from './migrations/20261201T0300_two_factor.js';
import * as singleSignOn from './migrations/20261201T0400_single_sign_on.js';
import * as auditChain from './migrations/20261201T0500_audit_chain.js';
import * as forwardedRevocations from './migrations/20261201T0600_forwarded_revocations.js';

// int8 (bigserial, count(*)) stays a string by default; our counts and positions fit a JS number.
pg.types.setTypeParser(20, (v) => Number(v));

export type Db = Kysely<Database>;

/** Reports an idle connection the server ended; replaced by the pool on next use. */
const onPoolError = (error: Error): void => {
  process.emitWarning(`a database connection was lost while idle (${error.message}); the pool opens a new one`);
};

export function createDb(url: string, poolSize = 10): Db {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // PostgreSQL ending an idle pooled connection (a restart, a fail-over, idle_session_timeout) emits 'error'
  // on the pool; unheard, it would end the process. The pool drops that client and connects again.
  pool.on('error', onPoolError);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** Migrations in order of their timestamped names. A static list, so bundlers and tsx see every file. */
const MIGRATIONS: Record<string, Migration> = {
  '20261122T0300_initial_schema': initialSchema,
  '20261122T0900_alarm_handling': alarmHandling,
  '20261122T1000_branch_staff': branchStaff,
  '20261122T1030_alarm_subject': alarmSubject,
  '20261201T0100_permissions': permissions,
  '20261201T0300_two_factor': twoFactor,
  '20261201T0400_single_sign_on': singleSignOn,
  '20261201T0500_audit_chain': auditChain,
  '20261201T0600_forwarded_revocations': forwardedRevocations,
};

/** Every migration this code knows, in the order they apply (Kysely sorts by name). */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS).sort();

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(MIGRATIONS) };

export function migrator(db: Db): Migrator {
  return new Migrator({ db, provider });
}

/** Brings the schema up to date; throws with the failing migration's name. */
export async function migrateToLatest(db: Db): Promise<string[]> {
  const { error, results } = await migrator(db).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`migration ${failed} failed: ${(error as Error).message}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}
