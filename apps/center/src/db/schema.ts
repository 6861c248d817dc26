import type { AlarmEvent, AlarmState, AlarmStatus } from '@bsm/protocol';
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A jsonb column: read as the value, written as its JSON text. */
type Json<T> = ColumnType<T, string, string>;

/** Centers and branches of this center's subtree, itself included: the org tree. */
export interface NodesTable {
  id: string;
  parent_id: string | null;
  kind: 'center' | 'branch';
  tier: number | null;
  name: string;
  lat: number;
  lon: number;
  address: string | null;
  /** Centers: the console's address, for single sign-on from above. */
  console_url: string | null;
  importance: number;
  /** Ids from this center down to the node, inclusive: jurisdiction checks are `path @> {root}`. */
  path: string[];
  /** The direct child through which this node was learned; null for this center itself. */
  reported_by: string | null;
  state: 'online' | 'offline';
  state_since: Timestamp | null;
  state_reason: string | null;
  updated_at: Timestamp;
}

export interface DevicesTable {
  id: string;
  node_id: string;
  kind: string;
  name: string;
  vendor: string | null;
  model: string | null;
  reported_by: string;
}

export interface CamerasTable {
  id: string;
  node_id: string;
  device_id: string | null;
  name: string;
  ptz: boolean;
  important: boolean;
  streams: ColumnType<unknown, string, string>;
  reported_by: string;
}

export interface AlarmInputsTable {
  id: string;
  node_id: string;
  device_id: string | null;
  name: string;
  zone: string;
  type: string;
  linked_cameras: string[];
  reported_by: string;
}

/** Last catalog revision applied per direct child, to detect a missed delta. */
export interface CatalogSourcesTable {
  publisher: string;
  revision: number;
  received_at: Timestamp;
}

export interface AlarmsTable {
  id: string;
  origin: string;
  seq: number;
  path: string[];
  type: string;
  priority: number;
  zone: string | null;
  input_id: string | null;
  linked_cameras: string[];
  occurred_at: Timestamp;
  source: string;
  text: string | null;
  received_at: Timestamp;
  /** The direct child that delivered it. */
  received_via: string;
  status: Generated<AlarmStatus>;
  signal: Generated<'alarm' | 'restore'>;
  /** What the alarm's events add up to (`AlarmState`); null until its first event. */
  state: Json<AlarmState> | null;
  /** This center must act on it: it received it first from the branch, or it was escalated here. */
  responsible: Generated<boolean>;
  responsible_since: Timestamp | null;
  /** Acknowledge before this or it goes to the parent; null once acknowledged, escalated, or not ours. */
  deadline_at: Timestamp | null;
  late_escalation: Generated<boolean>;
  /** The node it is about when not the origin (a center's alarm about a branch). */
  subject: string | null;
}

/** Every handling event of every alarm here; `position` orders what we send to our neighbours. */
export interface AlarmEventsTable {
  position: Generated<string>;
  id: string;
  alarm_id: string;
  at: Timestamp;
  action: string;
  body: Json<AlarmEvent>;
  /** null: made at this center; otherwise the neighbour it came from. */
  received_from: string | null;
  received_at: Generated<Timestamp>;
}

/** How far the parent (`parent`) or a child center (`child:<id>`) has acknowledged our events. */
export interface EventCursorsTable {
  peer: string;
  position: string;
}

/** Alarms stored here and not yet acknowledged by the parent center. */
export interface AlarmOutboxTable {
  position: Generated<string>;
  alarm_id: string;
  enqueued_at: Generated<Timestamp>;
}

export interface NodeHealthTable {
  node_id: string;
  at: Timestamp;
  uptime_sec: number;
  outbox_pending: number;
  devices: ColumnType<unknown, string, string>;
  received_at: Timestamp;
}

export interface RolesTable {
  name: string;
  description: string;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  role: string;
  jurisdiction: string;
  disabled: Generated<boolean>;
  failed_logins: Generated<number>;
  locked_until: Timestamp | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** Chosen permissions; null: the role's defaults. */
  permissions: string[] | null;
  /** CIDR ranges the user may sign in from; empty: wherever the center allows. */
  allowed_ips: Generated<string[]>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
  /** Base32 authenticator secret; null until the user enrolled one. */
  totp_secret: string | null;
  totp_enrolled_at: Timestamp | null;
  /** The last TOTP time step accepted: a code is refused a second time. */
  totp_last_step: Generated<number>;
  /** SHA-256 of the unused recovery codes. */
  recovery_codes: Generated<string[]>;
}

export interface SessionsTable {
  /** SHA-256 of the token: a database leak gives no usable sessions. */
  token_hash: string;
  /** A local user; null for a user signed in at a center above (`remote_user`). */
  user_id: number | null;
  created_at: Generated<Timestamp>;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ip: string | null;
  revoked_at: Timestamp | null;
  /** Who the user of a single sign-on session is, as the issuing center's ticket said. */
  remote_user: Json<RemoteUser> | null;
  /** The center that issued the ticket, and its session's id there: its logout ends this session. */
  issuer: string | null;
  issuer_session: string | null;
}

/** A user signed in at a center above, as their session here remembers them. */
export interface RemoteUser {
  username: string;
  displayName: string;
  role: string;
  permissions: string[];
  jurisdiction: string;
  allowedIps: string[];
}

export interface SigningKeysTable {
  id: string;
  public_jwk: Json<Record<string, unknown>>;
  private_jwk: Json<Record<string, unknown>>;
  created_at: Generated<Timestamp>;
}

export interface TrustedIssuersTable {
  center_id: string;
  public_jwk: Json<Record<string, unknown>>;
  received_at: Generated<Timestamp>;
}

/** Revocations from above, passed on to the child centers (also to one that reconnects later). */
export interface ForwardedRevocationsTable {
  issuer: string;
  session: string;
  received_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** This center's audit chain: append-only (a trigger refuses UPDATE, DELETE and TRUNCATE). */
export interface AuditEventsTable {
  id: Generated<number>;
  at: Timestamp;
  actor: string | null;
  action: string;
  target: string | null;
  outcome: 'success' | 'failure';
  ip: string | null;
  detail: Json<Record<string, unknown>>;
  /** Position in the chain, from 1, without holes. */
  seq: number;
  /** The center whose chain this is (covered by the hash). */
  center_id: string;
  prev_hash: string;
  hash: string;
}

/** Chains of the centers below, as they sent them (append-only). */
export interface AuditCopiesTable {
  source: string;
  seq: number;
  /** The entry's row id at its source. */
  source_id: number;
  at: Timestamp;
  actor: string | null;
  action: string;
  target: string | null;
  outcome: 'success' | 'failure';
  ip: string | null;
  detail: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
  /** The direct child that delivered it. */
  received_from: string;
  received_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** What was found wrong in a copy as it arrived (append-only). */
export interface AuditBreaksTable {
  id: Generated<number>;
  source: string;
  seq: number;
  kind: string;
  message: string;
  detected_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

/** How far the parent has acknowledged each chain this center sends up. */
export interface AuditCursorsTable {
  source: string;
  acked_seq: number;
}

/** Our own chain and the copies, as one (read-only view). */
export interface AuditRecordsView {
  source: string;
  seq: number;
  id: number;
  at: Date;
  actor: string | null;
  action: string;
  target: string | null;
  outcome: 'success' | 'failure';
  ip: string | null;
  detail: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export interface Database {
  nodes: NodesTable;
  devices: DevicesTable;
  cameras: CamerasTable;
  alarm_inputs: AlarmInputsTable;
  catalog_sources: CatalogSourcesTable;
  alarms: AlarmsTable;
  alarm_outbox: AlarmOutboxTable;
  alarm_events: AlarmEventsTable;
  event_cursors: EventCursorsTable;
  node_health: NodeHealthTable;
  roles: RolesTable;
  users: UsersTable;
  sessions: SessionsTable;
  signing_keys: SigningKeysTable;
  trusted_issuers: TrustedIssuersTable;
  forwarded_revocations: ForwardedRevocationsTable;
  audit_events: AuditEventsTable;
  audit_copies: AuditCopiesTable;
  audit_breaks: AuditBreaksTable;
  audit_cursors: AuditCursorsTable;
  audit_records: AuditRecordsView;
}
