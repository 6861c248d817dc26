import { sql, type Kysely } from 'kysely';

/** The org tree, catalog, alarms with the uplink outbox, users, sessions and the audit trail. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE nodes (
      id text PRIMARY KEY,
      parent_id text,
      kind text NOT NULL CHECK (kind IN ('center', 'branch')),
      tier smallint CHECK (tier BETWEEN 1 AND 3),
      name text NOT NULL,
      lat double precision NOT NULL,
      lon double precision NOT NULL,
      address text,
      importance smallint NOT NULL CHECK (importance BETWEEN 1 AND 3),
      path text[] NOT NULL,
      reported_by text,
      state text NOT NULL DEFAULT 'offline' CHECK (state IN ('online', 'offline')),
      state_since timestamptz,
      state_reason text,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX nodes_path_gin ON nodes USING gin (path);
    CREATE INDEX nodes_reported_by ON nodes (reported_by);
    CREATE INDEX nodes_parent ON nodes (parent_id);

    CREATE TABLE devices (
      id text PRIMARY KEY,
      node_id text NOT NULL,
      kind text NOT NULL,
      name text NOT NULL,
      vendor text,
      model text,
      reported_by text NOT NULL
    );
    CREATE INDEX devices_node ON devices (node_id);
    CREATE INDEX devices_reported_by ON devices (reported_by);

    CREATE TABLE cameras (
      id text PRIMARY KEY,
      node_id text NOT NULL,
      device_id text,
      name text NOT NULL,
      ptz boolean NOT NULL,
      important boolean NOT NULL,
      streams jsonb NOT NULL,
      reported_by text NOT NULL
    );
    CREATE INDEX cameras_node ON cameras (node_id);
    CREATE INDEX cameras_reported_by ON cameras (reported_by);

    CREATE TABLE alarm_inputs (
      id text PRIMARY KEY,
      node_id text NOT NULL,
      device_id text,
      name text NOT NULL,
      zone text NOT NULL,
      type text NOT NULL,
      linked_cameras text[] NOT NULL DEFAULT '{}',
      reported_by text NOT NULL
    );
    CREATE INDEX alarm_inputs_node ON alarm_inputs (node_id);
    CREATE INDEX alarm_inputs_reported_by ON alarm_inputs (reported_by);

    CREATE TABLE catalog_sources (
      publisher text PRIMARY KEY,
      revision integer NOT NULL,
      received_at timestamptz NOT NULL
    );

    CREATE TABLE alarms (
      id text PRIMARY KEY,
      origin text NOT NULL,
      seq integer NOT NULL,
      path text[] NOT NULL,
      type text NOT NULL,
      priority smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
      zone text,
      input_id text,
      linked_cameras text[] NOT NULL DEFAULT '{}',
      occurred_at timestamptz NOT NULL,
      source text NOT NULL,
      text text,
      received_at timestamptz NOT NULL,
      received_via text NOT NULL,
      status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'acknowledged', 'closed'))
    );
    CREATE INDEX alarms_origin_seq ON alarms (origin, seq);
    CREATE INDEX alarms_open ON alarms (origin) WHERE status <> 'closed';

    CREATE TABLE alarm_outbox (
      position bigserial PRIMARY KEY,
      alarm_id text NOT NULL UNIQUE REFERENCES alarms (id) ON DELETE CASCADE,
      enqueued_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE node_health (
      node_id text PRIMARY KEY,
      at timestamptz NOT NULL,
      uptime_sec double precision NOT NULL,
      outbox_pending integer NOT NULL,
      devices jsonb NOT NULL,
      received_at timestamptz NOT NULL
    );

    CREATE TABLE roles (
      name text PRIMARY KEY,
      description text NOT NULL
    );
    INSERT INTO roles (name, description) VALUES
      ('super_operator', 'Controls every host in the jurisdiction'),
      ('operator', 'Watches, handles alarms and steers cameras within the jurisdiction'),
      ('ordinary_user', 'Watches within the jurisdiction'),
      ('security_admin', 'Manages users and permissions; sees no video, alarms or recordings');

    CREATE TABLE users (
      id serial PRIMARY KEY,
      username text NOT NULL UNIQUE,
      display_name text NOT NULL,
      password_hash text NOT NULL,
      role text NOT NULL REFERENCES roles (name),
      jurisdiction text NOT NULL,
      disabled boolean NOT NULL DEFAULT false,
      failed_logins integer NOT NULL DEFAULT 0,
      locked_until timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE sessions (
      token_hash text PRIMARY KEY,
      user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      ip text,
      revoked_at timestamptz
    );
    CREATE INDEX sessions_user ON sessions (user_id);

    CREATE TABLE audit_events (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      actor text,
      action text NOT NULL,
      target text,
      outcome text NOT NULL CHECK (outcome IN ('success', 'failure')),
      ip text,
      detail jsonb NOT NULL DEFAULT '{}'
    );
    CREATE INDEX audit_events_at ON audit_events (at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE audit_events, sessions, users, roles, node_health, alarm_outbox, alarms,
      catalog_sources, alarm_inputs, cameras, devices, nodes;
  `.execute(db);
}
