import type pg from 'pg';

/**
 * What backup and restore read from PostgreSQL's catalog about the center's
 * schema (`public`). Kysely's own bookkeeping tables are not data: restore
 * rebuilds them by running the migrations.
 */

export const MIGRATION_TABLES = ['kysely_migration', 'kysely_migration_lock'];

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

export interface TableInfo {
  name: string;
  /** Columns COPY reads and writes, in order (generated columns excluded). */
  columns: { name: string; type: string }[];
}

export async function tables(client: pg.ClientBase): Promise<TableInfo[]> {
  const { rows } = await client.query<{ name: string; columns: { name: string; type: string }[] }>(
    `SELECT c.relname AS name,
            json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod))
                     ORDER BY a.attnum) AS columns
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
      WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT (c.relname = ANY($1))
      GROUP BY c.relname
      ORDER BY c.relname`,
    [MIGRATION_TABLES],
  );
  return rows;
}

/** Foreign keys between tables of the schema: `table` references `references`. */
export async function foreignKeys(client: pg.ClientBase): Promise<{ table: string; references: string }[]> {
  const { rows } = await client.query<{ table: string; references: string }>(
    `SELECT DISTINCT src.relname AS "table", dst.relname AS "references"
       FROM pg_constraint k
       JOIN pg_class src ON src.oid = k.conrelid
       JOIN pg_class dst ON dst.oid = k.confrelid
       JOIN pg_namespace n ON n.oid = src.relnamespace
      WHERE k.contype = 'f' AND n.nspname = 'public'`,
  );
  return rows;
}

/** Sequences of the schema, with the column each one feeds (serial, identity) when there is one. */
export async function sequences(
  client: pg.ClientBase,
): Promise<{ name: string; lastValue: string | null; table: string | null; column: string | null }[]> {
  const { rows } = await client.query<{
    name: string;
    lastValue: string | null;
    table: string | null;
    column: string | null;
  }>(
    `SELECT s.sequencename AS name, s.last_value::text AS "lastValue", t.relname AS "table", a.attname AS "column"
       FROM pg_sequences s
       JOIN pg_namespace n ON n.nspname = s.schemaname
       JOIN pg_class sc ON sc.relname = s.sequencename AND sc.relnamespace = n.oid
       LEFT JOIN pg_depend d ON d.objid = sc.oid AND d.classid = 'pg_class'::regclass
                            AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
       LEFT JOIN pg_class t ON t.oid = d.refobjid
       LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE s.schemaname = 'public'
      ORDER BY s.sequencename`,
  );
  return rows;
}

/** The applied migrations, in the order Kysely applies them (by name); throws when this is no center database. */
export async function appliedMigrations(client: pg.ClientBase): Promise<string[]> {
  const { rows: present } = await client.query<{ ok: boolean }>(
    `SELECT to_regclass('public.kysely_migration') IS NOT NULL AS ok`,
  );
  if (!present[0]?.ok) {
    throw new Error('this database has no kysely_migration table: it is not a center database');
  }
  const { rows } = await client.query<{ name: string }>('SELECT name FROM public.kysely_migration ORDER BY name');
  return rows.map((r) => r.name);
}

/**
 * User (non-internal) triggers that fire on INSERT and are enabled: restore
 * disables exactly these while it loads rows as they were, and enables them
 * again. Triggers on UPDATE, DELETE or TRUNCATE alone (an append-only rule)
 * are never touched: a load only inserts.
 */
export async function insertTriggers(client: pg.ClientBase): Promise<{ table: string; name: string }[]> {
  const { rows } = await client.query<{ table: string; name: string }>(
    `SELECT c.relname AS "table", g.tgname AS name
       FROM pg_trigger g
       JOIN pg_class c ON c.oid = g.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND NOT g.tgisinternal AND g.tgenabled <> 'D' AND (g.tgtype & 4) <> 0
      ORDER BY 1, 2`,
  );
  return rows;
}

/**
 * Everything a database holds outside the system schemas that would be in
 * the way of a restore: relations (tables, views, sequences), and functions
 * and types that are no extension's.
 */
export async function userObjects(client: pg.ClientBase): Promise<{ schema: string; name: string; kind: string }[]> {
  const { rows } = await client.query<{ schema: string; name: string; kind: string }>(
    `WITH user_schemas AS (
       SELECT oid, nspname FROM pg_namespace
        WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname !~ '^pg_(toast|temp_)'
     )
     SELECT s.nspname AS schema, c.relname AS name,
            CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'S' THEN 'sequence'
                           WHEN 'f' THEN 'foreign table' ELSE 'table' END AS kind
       FROM pg_class c JOIN user_schemas s ON s.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
     UNION ALL
     SELECT s.nspname, p.oid::regprocedure::text, 'function'
       FROM pg_proc p JOIN user_schemas s ON s.oid = p.pronamespace
      WHERE p.prokind <> 'a' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
     UNION ALL
     SELECT s.nspname, t.typname, 'type'
       FROM pg_type t JOIN user_schemas s ON s.oid = t.typnamespace
      WHERE t.typtype IN ('e', 'd', 'r')
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e')
      ORDER BY 1, 2`,
  );
  const rank = ['table', 'view', 'materialized view', 'foreign table', 'sequence', 'function', 'type'];
  return rows.sort((a, b) => a.schema.localeCompare(b.schema) || rank.indexOf(a.kind) - rank.indexOf(b.kind));
}

/**
 * Drops every object of the public schema (restore --force): tables with
 * what depends on them, then what is left. The schema itself, its owner and
 * its grants stay. Run inside the caller's transaction.
 */
export async function dropPublicObjects(client: pg.ClientBase): Promise<void> {
  const objects = (await userObjects(client)).filter((o) => o.schema === 'public');
  const order = ['table', 'foreign table', 'materialized view', 'view', 'sequence', 'function', 'type'];
  for (const kind of order) {
    for (const o of objects.filter((x) => x.kind === kind)) {
      const target = kind === 'function' ? o.name : `public.${quoteIdent(o.name)}`;
      const what = kind === 'function' ? 'ROUTINE' : kind.toUpperCase();
      await client.query(`DROP ${what} IF EXISTS ${target} CASCADE`);
    }
  }
}

/** Other sessions on the same database (a running center, a psql): restore refuses to run beside them. */
export async function otherSessions(
  client: pg.ClientBase,
): Promise<{ pid: number; user: string | null; application: string | null }[]> {
  const { rows } = await client.query<{ pid: number; user: string | null; application: string | null }>(
    `SELECT pid, usename AS user, application_name AS application
       FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
      ORDER BY pid`,
  );
  return rows;
}
