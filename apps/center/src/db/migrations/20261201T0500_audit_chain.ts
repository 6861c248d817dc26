import { sql, type Kysely } from 'kysely';
import { AUDIT_GENESIS_HASH, chainTime, entryHash } from '../../audit/chain.js';

/** Tables whose rows nobody may change or delete once written, whatever their privileges. */
const APPEND_ONLY = ['audit_events', 'audit_copies', 'audit_breaks'] as const;

interface LegacyRow {
  id: number | string;
  at: Date;
  actor: string | null;
  action: string;
  target: string | null;
  outcome: 'success' | 'failure';
  ip: string | null;
  detail: Record<string, unknown> | null;
}

/**
 * The tamper-evident audit trail (S8, S9):
 * - `audit_events` becomes a hash chain: a gapless `seq`, the owner center,
 *   the previous entry's hash and its own (entries written before this
 *   migration are chained here, in id order);
 * - `audit_copies` holds the chains of the centers below, as they sent them;
 *   `audit_breaks` what was found wrong in them on arrival; `audit_cursors`
 *   how far the parent has acknowledged each chain we send up;
 * - `audit_records`, one view over our own chain and the copies, for searches;
 * - a trigger refuses UPDATE, DELETE and TRUNCATE of the three append-only
 *   tables for everyone, the owner and superusers included (a superuser can
 *   still disable it; the chain and the parent's copy show what they did).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE audit_events
      ADD COLUMN seq bigint,
      ADD COLUMN center_id text,
      ADD COLUMN prev_hash text,
      ADD COLUMN hash text
  `.execute(db);

  const legacy = await sql<LegacyRow>`
    SELECT id, date_trunc('milliseconds', at) AS at, actor, action, target, outcome, ip, detail
    FROM audit_events ORDER BY id
  `.execute(db);
  if (legacy.rows.length > 0) {
    const self = await sql<{ id: string }>`
      SELECT id FROM nodes WHERE reported_by IS NULL AND kind = 'center' AND cardinality(path) = 1 LIMIT 1
    `.execute(db);
    const centerId = self.rows[0]?.id;
    if (!centerId) {
      throw new Error('audit entries exist but the center itself is not in the nodes table');
    }
    let prevHash = AUDIT_GENESIS_HASH;
    let seq = 0;
    for (const row of legacy.rows) {
      seq += 1;
      const fields = {
        seq,
        at: chainTime(row.at),
        actor: row.actor === '' ? null : row.actor,
        action: row.action,
        target: row.target === '' ? null : row.target,
        outcome: row.outcome,
        ip: row.ip === '' ? null : row.ip,
        detail: row.detail ?? {},
        prevHash,
      };
      const hash = entryHash(centerId, fields);
      await sql`
        UPDATE audit_events
        SET seq = ${seq}, center_id = ${centerId}, prev_hash = ${prevHash}, hash = ${hash}, at = ${fields.at}::timestamptz,
          actor = ${fields.actor}, target = ${fields.target}, ip = ${fields.ip}
        WHERE id = ${row.id}
      `.execute(db);
      prevHash = hash;
    }
  }

  await sql`
    ALTER TABLE audit_events
      ALTER COLUMN seq SET NOT NULL,
      ALTER COLUMN center_id SET NOT NULL,
      ALTER COLUMN prev_hash SET NOT NULL,
      ALTER COLUMN hash SET NOT NULL,
      ADD CONSTRAINT audit_events_seq_key UNIQUE (seq),
      ADD CONSTRAINT audit_events_seq_positive CHECK (seq > 0),
      ADD CONSTRAINT audit_events_hashes CHECK (hash ~ '^[0-9a-f]{64}$' AND prev_hash ~ '^[0-9a-f]{64}$');
    CREATE INDEX audit_events_actor ON audit_events (actor, seq);

    CREATE TABLE audit_copies (
      source text NOT NULL,
      seq bigint NOT NULL CHECK (seq > 0),
      source_id bigint NOT NULL,
      at timestamptz NOT NULL,
      actor text,
      action text NOT NULL,
      target text,
      outcome text NOT NULL CHECK (outcome IN ('success', 'failure')),
      ip text,
      detail jsonb NOT NULL,
      prev_hash text NOT NULL,
      hash text NOT NULL,
      received_from text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (source, seq)
    );
    CREATE INDEX audit_copies_source_at ON audit_copies (source, at);

    CREATE TABLE audit_breaks (
      id bigserial PRIMARY KEY,
      source text NOT NULL,
      seq bigint NOT NULL,
      kind text NOT NULL,
      message text NOT NULL,
      detected_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (source, seq, kind)
    );

    CREATE TABLE audit_cursors (
      source text PRIMARY KEY,
      acked_seq bigint NOT NULL CHECK (acked_seq >= 0)
    );

    CREATE VIEW audit_records AS
      SELECT center_id AS source, seq, id, at, actor, action, target, outcome, ip, detail, prev_hash, hash
      FROM audit_events
      UNION ALL
      SELECT source, seq, source_id AS id, at, actor, action, target, outcome, ip, detail, prev_hash, hash
      FROM audit_copies;

    CREATE FUNCTION bsm_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'the audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
    END
    $$;
  `.execute(db);
  for (const table of APPEND_ONLY) {
    await sql`
      CREATE TRIGGER ${sql.id(`${table}_append_only`)} BEFORE UPDATE OR DELETE ON ${sql.table(table)}
        FOR EACH ROW EXECUTE FUNCTION bsm_audit_append_only();
      CREATE TRIGGER ${sql.id(`${table}_no_truncate`)} BEFORE TRUNCATE ON ${sql.table(table)}
        FOR EACH STATEMENT EXECUTE FUNCTION bsm_audit_append_only();
      REVOKE UPDATE, DELETE, TRUNCATE ON ${sql.table(table)} FROM PUBLIC;
    `.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of APPEND_ONLY) {
    await sql`
      DROP TRIGGER IF EXISTS ${sql.id(`${table}_no_truncate`)} ON ${sql.table(table)};
      DROP TRIGGER IF EXISTS ${sql.id(`${table}_append_only`)} ON ${sql.table(table)};
    `.execute(db);
  }
  await sql`
    DROP FUNCTION bsm_audit_append_only();
    DROP VIEW audit_records;
    DROP TABLE audit_cursors, audit_breaks, audit_copies;
    DROP INDEX audit_events_actor;
    ALTER TABLE audit_events
      DROP CONSTRAINT audit_events_hashes,
      DROP CONSTRAINT audit_events_seq_positive,
      DROP CONSTRAINT audit_events_seq_key,
      DROP COLUMN hash,
      DROP COLUMN prev_hash,
      DROP COLUMN center_id,
      DROP COLUMN seq;
  `.execute(db);
}
