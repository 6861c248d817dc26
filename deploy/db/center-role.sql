-- The role a center connects as in production (docs/audit.md): it reads and writes its own
-- data, but may only read and append to the audit trail, and owns nothing, so it can neither
-- drop the append-only trigger nor disable it. Run as the database owner in each center's
-- database after `npm run center -- migrate` (also as the owner), and again after each upgrade.
-- Then give the role a password (psql: \password bsm_center) and the center this URL.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'bsm_center') THEN
    CREATE ROLE bsm_center LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
  END IF;
END
$$;
GRANT USAGE ON SCHEMA public TO bsm_center;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO bsm_center;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO bsm_center;
-- The audit trail: read and append, nothing else.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events, audit_copies, audit_breaks FROM bsm_center;
-- The schema and its migrations are the owner's: the center only checks that they are applied.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON kysely_migration, kysely_migration_lock FROM bsm_center;
