import { z } from 'zod';
import { AlarmInputEntry, CameraEntry, DeviceEntry, NodeEntry } from './catalog.js';
import {
  AlarmActor,
  AlarmEscalation,
  AlarmEvent,
  AlarmStatus,
  Disposition,
  OFFICER_ACTIONS,
  ProcedureStep,
} from './alarm-workflow.js';
import { Alarm, LinkUsage, PanelZone, PtzAction, StreamProfileName, StreamPurpose } from './messages.js';
import { AlarmType, NodeStateName, Role, Tier } from './vocabulary.js';
import { EntityId, NodeId, Timestamp } from './ids.js';
import { Permission } from './permissions.js';
import { AUDIT_LIMITS, AuditOutcome, AuditProblemKind, AuditRecord } from './audit.js';

/** Every error body of the REST API. `fields` lists validation problems of the request. */
export const ApiError = z.strictObject({
  error: z.strictObject({
    code: z.string(),
    message: z.string(),
    fields: z.array(z.strictObject({ path: z.string(), message: z.string() })).optional(),
    /** With `link_full`: who is using the link that refused the stream. */
    link: LinkUsage.optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;

export const LoginRequest = z.strictObject({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const CenterInfo = z.strictObject({
  id: NodeId,
  name: z.string(),
  tier: Tier,
});
export type CenterInfo = z.infer<typeof CenterInfo>;

export const SessionUser = z.strictObject({
  username: z.string(),
  displayName: z.string(),
  role: Role,
  /** What the user may do: the role's permissions or a list chosen by a security administrator. */
  permissions: z.array(Permission),
  /** Root of the subtree this user may see and act on. */
  jurisdiction: NodeId,
  center: CenterInfo,
});
export type SessionUser = z.infer<typeof SessionUser>;

/** GET /api/me: the signed-in user. */
export const MeResponse = z.strictObject({ user: SessionUser });
export type MeResponse = z.infer<typeof MeResponse>;

/** A sign-in under way: the password was right, the second factor is next. Valid until `expiresAt`. */
export const LoginChallenge = z.string().min(20).max(200);

/** A six-digit code from the user's authenticator app (RFC 6238 TOTP, 30 s). */
export const TotpCode = z.string().regex(/^\d{6}$/, 'six digits');

/** A one-time recovery code, as printed at enrolment (`XXXX-XXXX`, case and dash ignored). */
export const RecoveryCode = z
  .string()
  .trim()
  .transform((v) => v.toUpperCase().replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^[A-Z2-7]{8}$/, 'a recovery code of 8 letters and digits'));

/** What enrolling an authenticator needs: the secret as a QR code (otpauth URI) and as text to type in. */
export const TotpEnrollment = z.strictObject({
  /** Base32, for typing into an app that cannot scan. */
  secret: z.string(),
  /** `otpauth://totp/…` */
  uri: z.string(),
  /** The URI as an SVG QR code, drawn by the center (nothing leaves the intranet). */
  qrSvg: z.string(),
});
export type TotpEnrollment = z.infer<typeof TotpEnrollment>;

/**
 * The answer of each sign-in step. POST /api/auth/login (password) answers
 * `totp` (enter the code) or, for a user without an authenticator yet,
 * `enroll` (scan it, then enter its first code); POST /api/auth/login/totp
 * and /api/auth/login/enroll answer `done` with the session cookie set, and
 * the recovery codes once, at enrolment.
 */
export const LoginResponse = z.discriminatedUnion('step', [
  z.strictObject({ step: z.literal('totp'), challenge: LoginChallenge, expiresAt: Timestamp }),
  z.strictObject({
    step: z.literal('enroll'),
    challenge: LoginChallenge,
    expiresAt: Timestamp,
    enrollment: TotpEnrollment,
  }),
  z.strictObject({
    step: z.literal('done'),
    user: SessionUser,
    /** Shown once, at enrolment: each signs in once without the authenticator. */
    recoveryCodes: z.array(z.string()).optional(),
  }),
]);
export type LoginResponse = z.infer<typeof LoginResponse>;

/** POST /api/auth/login/totp — the second factor: a code, or one of the recovery codes. */
export const TotpLoginRequest = z.union([
  z.strictObject({ challenge: LoginChallenge, code: TotpCode }),
  z.strictObject({ challenge: LoginChallenge, recoveryCode: RecoveryCode }),
]);
export type TotpLoginRequest = z.input<typeof TotpLoginRequest>;

/** POST /api/auth/login/enroll — the first code of the authenticator just set up. */
export const EnrollRequest = z.strictObject({ challenge: LoginChallenge, code: TotpCode });
export type EnrollRequest = z.infer<typeof EnrollRequest>;

/** A node on the map wall, with what the console needs to colour it. */
export const MapNode = NodeEntry.extend({
  state: NodeStateName,
  stateSince: Timestamp.nullable(),
  /** Alarms of this node (or, for a center, its subtree) not yet closed. */
  openAlarms: z.number().int().nonnegative(),
  /** Highest priority among the open alarms, 1 most urgent. */
  topPriority: z.number().int().min(1).max(4).nullable(),
});
export type MapNode = z.infer<typeof MapNode>;

export const BasemapConfig = z.strictObject({
  /** Intranet tile server (`{z}/{x}/{y}` template) or null for the built-in offline outlines. */
  tileUrl: z.string().nullable(),
  center: z.tuple([z.number(), z.number()]),
  zoom: z.number(),
});
export type BasemapConfig = z.infer<typeof BasemapConfig>;

export const MapResponse = z.strictObject({
  center: CenterInfo,
  basemap: BasemapConfig,
  nodes: z.array(MapNode),
});
export type MapResponse = z.infer<typeof MapResponse>;

/** An alarm as a console shows it: the wire alarm plus what the receiving center knows and its handling. */
export const AlarmView = Alarm.extend({
  receivedAt: Timestamp,
  originName: z.string(),
  status: AlarmStatus,
  owner: AlarmActor.nullable(),
  closedBy: AlarmActor.nullable(),
  disposition: Disposition.nullable(),
  closeNote: z.string().nullable(),
  /** Panic or duress not yet reset by an officer. */
  latched: z.boolean(),
  /** The branch's input went back to normal (the alarm stays open). */
  restoredAt: Timestamp.nullable(),
  escalations: z.array(AlarmEscalation),
  /** This center must act on it: it received it first from the branch, or it was escalated here. */
  responsible: z.boolean(),
  /** Acknowledge before this or the alarm goes to the parent center (responsible, still new; null otherwise). */
  deadlineAt: Timestamp.nullable(),
  /** It was escalated here long after it was due (this center or its link was down then). */
  lateEscalation: z.boolean(),
  /** Linkage: this center's consoles open the linked cameras on the video wall by themselves (responsible here). */
  openVideo: z.boolean(),
  /** The steps of the type's procedure, in order, with those done. */
  procedure: z.array(
    z.strictObject({
      step: ProcedureStep,
      done: z.strictObject({ by: z.string(), at: Timestamp }).nullable(),
    }),
  ),
});
export type AlarmView = z.infer<typeof AlarmView>;

export const AlarmListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** Page backwards: only alarms with an id (ULID, so time order) below this. */
  before: z.ulid().optional(),
  nodeId: NodeId.optional(),
  type: AlarmType.optional(),
  /** `open`: not closed, most urgent first (priority, then age) — the console's queue. */
  state: z.enum(['open', 'closed', 'all']).default('all'),
  /** Only alarms this center must act on. */
  responsible: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export type AlarmListQuery = z.infer<typeof AlarmListQuery>;

export const AlarmListResponse = z.strictObject({ alarms: z.array(AlarmView) });
export type AlarmListResponse = z.infer<typeof AlarmListResponse>;

/** GET /api/alarms/:id — one alarm with its whole handling history, oldest first. */
export const AlarmDetailResponse = z.strictObject({ alarm: AlarmView, events: z.array(AlarmEvent) });
export type AlarmDetailResponse = z.infer<typeof AlarmDetailResponse>;

/**
 * POST /api/alarms/:id/actions — an officer handles an alarm. A refused
 * action is a 409 `not_allowed` whose message says why (`refusalOf`).
 */
export const AlarmActionRequest = z.strictObject({
  action: z.enum(OFFICER_ACTIONS),
  note: z.string().trim().max(1000).optional(),
  disposition: Disposition.optional(),
  step: ProcedureStep.optional(),
});
export type AlarmActionRequest = z.infer<typeof AlarmActionRequest>;

export const NodeDetailResponse = z.strictObject({
  node: MapNode,
  path: z.array(z.strictObject({ id: NodeId, name: z.string() })),
  children: z.array(MapNode),
  devices: z.array(DeviceEntry),
  cameras: z.array(CameraEntry),
  alarmInputs: z.array(AlarmInputEntry),
  recentAlarms: z.array(AlarmView),
  lastPatrolAt: Timestamp.nullable(),
});
export type NodeDetailResponse = z.infer<typeof NodeDetailResponse>;

/** The center's scheduled backups of its database, as `/api/health` reports them (SPEC S8). */
export const BackupHealth = z.strictObject({
  /** Off: no `backup` section in the config, or `backup.enabled: false`. */
  enabled: z.boolean(),
  running: z.boolean(),
  /** The last attempt since start (at start: the newest backup found in the backup directory). */
  last: z
    .strictObject({
      at: Timestamp,
      ok: z.boolean(),
      /** File name in the backup directory; null when the attempt failed. */
      file: z.string().nullable(),
      method: z.enum(['builtin', 'pg_dump']).nullable(),
      sizeBytes: z.number().int().nonnegative().nullable(),
      durationMs: z.number().int().nonnegative().nullable(),
      /** Why it failed. */
      error: z.string().optional(),
    })
    .nullable(),
  /** When the newest good backup was taken: monitoring alerts when this grows old. */
  lastSuccessAt: Timestamp.nullable(),
  nextAt: Timestamp.nullable(),
});
export type BackupHealth = z.infer<typeof BackupHealth>;

export const HealthResponse = z.strictObject({
  ok: z.boolean(),
  center: CenterInfo,
  uptimeSec: z.number(),
  database: z.boolean(),
  broker: z.boolean(),
  /** null when this center has no parent. */
  parent: z.strictObject({ connected: z.boolean(), outboxPending: z.number().int() }).nullable(),
  /** MQTT messages from the nodes below since start, and those refused, counted by kind and reason. */
  messages: z.strictObject({
    received: z.number().int().nonnegative(),
    refused: z.record(z.string(), z.number().int().nonnegative()),
    /** Accepted but flagged: alarm sequence gaps, alarm times ahead of the center's clock. */
    flagged: z.record(z.string(), z.number().int().nonnegative()),
  }),
  /** Backups of this center's database; a failed backup does not make the center unhealthy (`ok`). */
  backup: BackupHealth,
  /** The audit trail: this center's chain, what its parent has not yet acknowledged, breaks found in copies from below. */
  audit: z.strictObject({
    /** Last entry of this center's own chain (0: empty). */
    lastSeq: z.number().int().nonnegative(),
    /** Entries (own and copies) not yet acknowledged by the parent; null without a parent, -1 while the database is down. */
    pendingUp: z.number().int().nullable(),
    /** Breaks found in the copies of child centers' chains (see GET /api/audit/sources). */
    breaks: z.number().int().nonnegative(),
  }),
});
export type HealthResponse = z.infer<typeof HealthResponse>;

/** POST /api/cameras/:id/play — ask to watch a camera. */
export const PlayRequest = z.strictObject({
  /** Preferred profile; the center may serve the sub-stream when the link has no room for the main one. */
  profile: StreamProfileName.optional(),
  purpose: StreamPurpose.default('live'),
});
export type PlayRequest = z.infer<typeof PlayRequest>;

/** A granted stream: a signed, expiring HTTP-FLV URL for mpegts.js. */
export const PlayResponse = z.strictObject({
  cameraId: EntityId,
  profile: StreamProfileName,
  /** Signed URL; it must be opened before `expiresAt`, after which a fresh one is needed. */
  url: z.string(),
  expiresAt: Timestamp,
  /** Renew by calling play again before this; the stream stays up while anyone watches. */
  kbps: z.number().int().positive(),
});
export type PlayResponse = z.infer<typeof PlayResponse>;

/** POST /api/cameras/:id/ptz — steer a camera. */
export const PtzRequest = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('move'), action: PtzAction, speed: z.number().min(0).max(1).default(0.5) }),
  z.strictObject({ kind: z.literal('preset'), op: z.enum(['goto', 'set']), preset: z.number().int().min(1).max(255) }),
]);
export type PtzRequest = z.infer<typeof PtzRequest>;

/** The PTZ control lock: one officer steers at a time; a higher tier takes over; it expires when idle. */
export const PtzLock = z.strictObject({
  cameraId: EntityId,
  holder: z.string(),
  tier: Tier,
  expiresAt: Timestamp,
});
export type PtzLock = z.infer<typeof PtzLock>;

/**
 * GET /api/branches/:id/panel — the branch panel (staff at the branch): its
 * alarms of the last day with their handling, and its alarm panel's zones
 * (null while the branch cannot be reached).
 */
export const BranchPanelResponse = z.strictObject({
  branch: MapNode,
  alarms: z.array(AlarmView),
  zones: z.array(PanelZone).nullable(),
});
export type BranchPanelResponse = z.infer<typeof BranchPanelResponse>;

/** POST /api/branches/:id/panic — the panel's panic or duress button, after the staff confirmed. */
export const PanicRequest = z.strictObject({
  type: z.enum(['panic', 'duress']),
  confirm: z.literal(true),
});
export type PanicRequest = z.infer<typeof PanicRequest>;

export const PanicResponse = z.strictObject({ alarmId: z.ulid() });
export type PanicResponse = z.infer<typeof PanicResponse>;

/** POST /api/branches/:id/zones/:zone/arm — arm or disarm a zone with the branch's code. */
export const ArmRequest = z.strictObject({
  armed: z.boolean(),
  code: z.string().regex(/^\d{4,8}$/, 'a code of 4–8 digits'),
});
export type ArmRequest = z.infer<typeof ArmRequest>;

/** A user name: lower-case letters, digits, `.`, `_`, `-`; what people type at the login. */
export const Username = z
  .string()
  .trim()
  .regex(
    /^[a-z0-9][a-z0-9._-]{1,63}$/,
    '2–64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

/** An address range users may sign in from, in CIDR notation (`10.1.2.0/24`, `fd00::/8`); a bare address is one host. */
export const IpRange = z
  .string()
  .trim()
  .regex(/^[0-9a-fA-F.:]+(\/\d{1,3})?$/, 'an IP address or a CIDR range such as 10.1.2.0/24');

/** A user as the security administrator manages them (never their password, secret or codes). */
export const UserSummary = z.strictObject({
  username: z.string(),
  displayName: z.string(),
  role: Role,
  /** What they hold now. */
  permissions: z.array(Permission),
  /** The list chosen for them; null: their role's defaults. */
  chosenPermissions: z.array(Permission).nullable(),
  jurisdiction: NodeId,
  allowedIps: z.array(z.string()),
  disabled: z.boolean(),
  /** Locked after failed sign-ins until this time (null: not locked). */
  lockedUntil: Timestamp.nullable(),
  totpEnrolled: z.boolean(),
  recoveryCodesLeft: z.number().int().nonnegative(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type UserSummary = z.infer<typeof UserSummary>;

/** GET /api/users — the users whose jurisdiction lies within the administrator's. */
export const UserListResponse = z.strictObject({ users: z.array(UserSummary) });
export type UserListResponse = z.infer<typeof UserListResponse>;

/** POST /api/users — a new user; they enrol their authenticator at their first sign-in. */
export const CreateUserRequest = z.strictObject({
  username: Username,
  displayName: z.string().trim().min(1).max(64),
  role: Role,
  jurisdiction: NodeId,
  /** The first password, told to the user; the password rules apply. */
  password: z.string().min(1).max(256),
  /** Omitted or null: the role's defaults. */
  permissions: z.array(Permission).nullable().optional(),
  allowedIps: z.array(IpRange).max(32).optional(),
});
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

/** PATCH /api/users/:username — what changes; every field optional. */
export const UpdateUserRequest = z
  .strictObject({
    displayName: z.string().trim().min(1).max(64),
    role: Role,
    jurisdiction: NodeId,
    permissions: z.array(Permission).nullable(),
    allowedIps: z.array(IpRange).max(32),
    disabled: z.boolean(),
  })
  .partial()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change');
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;

/** POST /api/users/:username/password — a new password set by the administrator. */
export const SetPasswordRequest = z.strictObject({ password: z.string().min(1).max(256) });
export type SetPasswordRequest = z.infer<typeof SetPasswordRequest>;

/** The organisation tree by name only, for choosing a jurisdiction (no states, alarms or devices). */
export const OrgNode = z.strictObject({
  id: NodeId,
  parentId: NodeId.nullable(),
  kind: z.enum(['center', 'branch']),
  name: z.string(),
});
export type OrgNode = z.infer<typeof OrgNode>;

/** GET /api/org — the nodes within the administrator's jurisdiction. */
export const OrgResponse = z.strictObject({ nodes: z.array(OrgNode) });
export type OrgResponse = z.infer<typeof OrgResponse>;
const AuditText = (max: number) => z.string().trim().min(1).max(max);

/** Filters of the audit trail, shared by the search and the export. */
const AuditFilter = z.strictObject({
  /** Whose chain: this center's own (default) or the copy of a center below it. */
  source: NodeId.optional(),
  /** Entries at or after this instant. */
  from: Timestamp.optional(),
  /** Entries before this instant. */
  to: Timestamp.optional(),
  /** Exactly this actor (a username, or `center:<id>`). */
  actor: AuditText(AUDIT_LIMITS.actor).optional(),
  /** Actions starting with this: `video.` matches every video operation, `auth.login` the logins. */
  action: AuditText(AUDIT_LIMITS.action).optional(),
  /** Targets starting with this: a branch id matches its cameras too. */
  target: AuditText(AUDIT_LIMITS.target).optional(),
  outcome: AuditOutcome.optional(),
});

const fromBeforeTo = (q: { from?: string | undefined; to?: string | undefined }): boolean =>
  q.from === undefined || q.to === undefined || Date.parse(q.from) <= Date.parse(q.to);
const FROM_BEFORE_TO = { message: '`from` must not be after `to`', path: ['from'] };

/** GET /api/audit — one page of a chain, newest first (auditors: the `audit` permission). */
export const AuditQuery = AuditFilter.extend({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** Page backwards: entries with a `seq` below this (the previous page's `nextCursor`). */
  cursor: z.coerce.number().int().positive().optional(),
}).refine(fromBeforeTo, FROM_BEFORE_TO);
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditListResponse = z.strictObject({
  source: NodeId,
  entries: z.array(AuditRecord),
  /** `cursor` of the next (older) page; null on the last one. */
  nextCursor: z.number().int().positive().nullable(),
});
export type AuditListResponse = z.infer<typeof AuditListResponse>;

export const AUDIT_EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export const AuditExportFormat = z.enum(AUDIT_EXPORT_FORMATS);
export type AuditExportFormat = z.infer<typeof AuditExportFormat>;

/**
 * GET /api/audit/export — the matching entries, oldest first, with `seq` and
 * both hashes, as a download that `npm run audit:verify -- --file` checks
 * offline: NDJSON (one `AuditRecord` a line) or CSV (the same columns).
 */
export const AuditExportQuery = AuditFilter.extend({
  format: AuditExportFormat.default('ndjson'),
}).refine(fromBeforeTo, FROM_BEFORE_TO);
export type AuditExportQuery = z.infer<typeof AuditExportQuery>;

/** A break found in a copy of a child's chain as it arrived. */
export const AuditBreak = z.strictObject({
  source: NodeId,
  seq: z.number().int().positive(),
  kind: AuditProblemKind,
  message: z.string(),
  detectedAt: Timestamp,
});
export type AuditBreak = z.infer<typeof AuditBreak>;

/** One chain held at this center: its own, or the copy of a center below it. */
export const AuditSource = z.strictObject({
  source: NodeId,
  name: z.string(),
  own: z.boolean(),
  lastSeq: z.number().int().nonnegative(),
  lastAt: Timestamp.nullable(),
  breaks: z.number().int().nonnegative(),
});
export type AuditSource = z.infer<typeof AuditSource>;

/** GET /api/audit/sources — the chains an auditor may search here, and the breaks found in copies. */
export const AuditSourcesResponse = z.strictObject({
  self: NodeId,
  sources: z.array(AuditSource),
  breaks: z.array(AuditBreak),
});
export type AuditSourcesResponse = z.infer<typeof AuditSourcesResponse>;
