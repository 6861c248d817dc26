import { z } from 'zod';
import { AlarmId, CorrelationId, EntityId, NodeId, Timestamp } from './ids.js';
import { NodeState } from './catalog.js';
import { AlarmPriority, AlarmSource, AlarmType, NodeKind, NodeStateName, Tier } from './vocabulary.js';

/**
 * A node's own online state: published retained on connect, and registered
 * as the connection's last-will with `state: "offline"`, so the broker
 * announces a lost node by itself.
 */
export const StatusMessage = z.strictObject({
  nodeId: NodeId,
  kind: NodeKind,
  tier: Tier.optional(),
  state: NodeStateName,
  /** When this state began, as seen by the node (a last-will carries the connect time; receivers use their own clock). */
  since: Timestamp,
  reason: z.string().max(200).optional(),
  software: z.strictObject({ name: z.string().max(40), version: z.string().max(40) }),
});
export type StatusMessage = z.infer<typeof StatusMessage>;

/** State changes of nodes below the publisher (a center reporting its branches and child centers). */
export const StatesMessage = z.strictObject({
  publisher: NodeId,
  states: z.array(NodeState).min(1).max(5_000),
});
export type StatesMessage = z.infer<typeof StatesMessage>;

/**
 * One alarm. `id` and `seq` are made where the alarm is raised and never
 * change on the way up; `path` starts at the origin and each center that
 * forwards it appends its own id, so its last element is always the node
 * that published it.
 */
export const Alarm = z.strictObject({
  id: AlarmId,
  origin: NodeId,
  /** Per-origin sequence number, from 1, so receivers see gaps. */
  seq: z.number().int().positive(),
  path: z.array(NodeId).min(1).max(8),
  type: AlarmType,
  priority: AlarmPriority,
  zone: z.string().max(40).optional(),
  inputId: EntityId.optional(),
  linkedCameras: z.array(EntityId).max(16).default([]),
  occurredAt: Timestamp,
  source: AlarmSource,
  text: z.string().max(500).optional(),
  /**
   * Absent means `alarm`. `restore`: the input went back to normal. It travels like an alarm (same
   * outbox, seq and ack, so it is never lost or reordered), and a center turns
   * it into a `restore` event on the open alarms of the same input (or zone)
   * and type; it never closes them.
   */
  signal: z.enum(['alarm', 'restore']).optional(),
  /**
   * The node the alarm is about when it is not the origin: a center raises
   * `device_offline` about a branch whose agent vanished (the branch cannot
   * say so itself). Consoles show and count the alarm at the subject.
   */
  subject: NodeId.optional(),
});
export type Alarm = z.infer<typeof Alarm>;

/** Sent down after the receiver has stored the alarms; only then may the sender drop them from its outbox. */
export const AlarmAck = z.strictObject({
  ids: z.array(AlarmId).max(1_000).default([]),
  /** The receiver stored the sender's `up/event` batches up to this position of the sender. */
  eventsUpTo: z.number().int().nonnegative().optional(),
  /** Alarms the receiver will never take (the reason says why); the sender drops them too and logs it. */
  refused: z
    .array(z.strictObject({ id: AlarmId, reason: z.string().max(200) }))
    .max(1_000)
    .default([]),
});
export type AlarmAck = z.infer<typeof AlarmAck>;

export const StreamProfileName = z.enum(['main', 'sub']);
export type StreamProfileName = z.infer<typeof StreamProfileName>;

/** Why a stream is wanted; it orders admission on a full link (SPEC T3): alarm video first, bulk uploads last. */
export const STREAM_PURPOSES = ['alarm', 'live', 'playback', 'bulk'] as const;
export const StreamPurpose = z.enum(STREAM_PURPOSES);
export type StreamPurpose = z.infer<typeof StreamPurpose>;

/** Who holds a link when a stream is refused, so the officer knows why. */
export const LinkUsage = z.strictObject({
  link: z.string(),
  capacityKbps: z.number().int(),
  usedKbps: z.number().int(),
  streams: z.array(
    z.strictObject({
      cameraId: EntityId,
      cameraName: z.string(),
      profile: StreamProfileName,
      kbps: z.number().int(),
      purpose: StreamPurpose,
      /** Who asked for it: a user and center, e.g. "fz-op@fz". */
      heldBy: z.string(),
    }),
  ),
});
export type LinkUsage = z.infer<typeof LinkUsage>;

/** Directions and lens functions of B1: pan/tilt, zoom, focus, iris, and stop. */
export const PTZ_ACTIONS = [
  'left',
  'right',
  'up',
  'down',
  'zoom_in',
  'zoom_out',
  'focus_near',
  'focus_far',
  'iris_open',
  'iris_close',
  'stop',
] as const;
export const PtzAction = z.enum(PTZ_ACTIONS);
export type PtzAction = z.infer<typeof PtzAction>;

/** One stream an agent is pushing (or trying to), as reported in patrol. */
export const StreamStatus = z.strictObject({
  cameraId: EntityId,
  profile: StreamProfileName,
  state: z.enum(['starting', 'running', 'restarting', 'failed']),
  since: Timestamp,
  restarts: z.number().int().nonnegative(),
  lastError: z.string().max(300).optional(),
});
export type StreamStatus = z.infer<typeof StreamStatus>;

export const DeviceHealth = z.strictObject({
  deviceId: EntityId,
  state: z.enum(['ok', 'fault', 'offline', 'unknown']),
  detail: z.string().max(200).optional(),
});
export type DeviceHealth = z.infer<typeof DeviceHealth>;

/** Periodic heartbeat and patrol (巡检) report of a node. */
export const PatrolReport = z.strictObject({
  nodeId: NodeId,
  at: Timestamp,
  uptimeSec: z.number().nonnegative(),
  outbox: z.strictObject({
    pending: z.number().int().nonnegative(),
    oldestAt: Timestamp.optional(),
  }),
  devices: z.array(DeviceHealth).max(1_000),
  /** Camera streams being pushed upward right now. */
  streams: z.array(StreamStatus).max(256).default([]),
  host: z
    .strictObject({
      loadAvg1m: z.number().nonnegative().optional(),
      memFreeMb: z.number().nonnegative().optional(),
      diskFreeMb: z.number().nonnegative().optional(),
    })
    .optional(),
});
export type PatrolReport = z.infer<typeof PatrolReport>;

/**
 * Arguments of each command. A command travels down the tree to `target`;
 * every center on the way routes it one hop further.
 */
export const CommandArgs = {
  /** Ask a node to publish its full catalog again (the receiver lost track of revisions). */
  'catalog.resync': z.strictObject({}),
  /** Round-trip check of the command path. */
  ping: z.strictObject({}),
  /** Raise a test alarm at a branch, from the center (e.g. a scheduled link test). */
  'alarm.test': z.strictObject({ text: z.string().max(200).optional() }),
  /**
   * Start pushing one camera stream to a media server: the agent pulls the
   * camera's RTSP and pushes RTMP with `-c copy` (no transcoding) to `url`,
   * which carries the per-stream key. Idempotent: a stream already pushed to
   * the same URL keeps running.
   */
  'stream.start': z.strictObject({
    cameraId: EntityId,
    profile: StreamProfileName,
    url: z
      .string()
      .regex(/^rtmps?:\/\/\S+$/, 'must be an rtmp:// or rtmps:// URL')
      .max(500),
  }),
  /**
   * A parent center asks its child center for a camera's stream to relay:
   * the child admits it on its own links (it may serve the sub-stream) and
   * replies `{url, profile, kbps, expiresAt}`, a signed play URL of its media
   * server. Each stream crosses each link once, whatever the parent's audience.
   */
  'media.play': z.strictObject({
    cameraId: EntityId,
    profile: StreamProfileName.optional(),
    purpose: StreamPurpose.default('live'),
    /** Who watches at the parent, e.g. "fj-op@fj", shown to officers whose request the link refuses. */
    heldBy: z.string().min(1).max(120),
  }),
  /**
   * Raise a panic or duress alarm at the branch on behalf of its staff (the
   * branch panel in a console): it travels like any alarm from the branch.
   */
  'alarm.raise': z.strictObject({
    type: z.enum(['panic', 'duress']),
    /** Who pressed it, e.g. "gl-staff@fz". */
    by: z.string().min(1).max(120),
  }),
  /** The branch alarm panel's zones and whether each is armed. */
  'panel.status': z.strictObject({}),
  /** Arm or disarm one zone of the branch alarm panel; the agent checks the code. */
  'panel.arm': z.strictObject({
    zone: z.string().min(1).max(40),
    armed: z.boolean(),
    code: z.string().regex(/^\d{4,8}$/, 'a code of 4–8 digits'),
    by: z.string().min(1).max(120),
  }),
  /** Stop pushing one camera stream. Idempotent. */
  'stream.stop': z.strictObject({ cameraId: EntityId, profile: StreamProfileName }),
  /** Continuous PTZ/lens move at a speed (0–1) until `stop` (or `timeoutMs`, a safety net for a lost stop). */
  'ptz.move': z.strictObject({
    cameraId: EntityId,
    action: PtzAction,
    speed: z.number().min(0).max(1).default(0.5),
    timeoutMs: z.number().int().min(100).max(10_000).default(2_000),
  }),
  /** Go to, or store the current position as, a preset (1–255). */
  'ptz.preset': z.strictObject({
    cameraId: EntityId,
    op: z.enum(['goto', 'set']),
    preset: z.number().int().min(1).max(255),
  }),
} as const;
export type CommandName = keyof typeof CommandArgs;
export const COMMAND_NAMES = Object.keys(CommandArgs) as [CommandName, ...CommandName[]];

export const Command = z.strictObject({
  id: CorrelationId,
  name: z.enum(COMMAND_NAMES),
  target: NodeId,
  args: z.record(z.string(), z.unknown()).default({}),
  issuedAt: Timestamp,
  /** A command arriving after this is refused rather than acted on late. */
  expiresAt: Timestamp,
  issuedBy: z.string().max(80).optional(),
});
export type Command = z.infer<typeof Command>;

/** One zone of a branch alarm panel, as `panel.status` and `panel.arm` answer. */
export const PanelZone = z.strictObject({
  zone: z.string(),
  /** Alarm inputs in the zone. */
  inputs: z.array(EntityId),
  armed: z.boolean(),
  since: Timestamp.nullable(),
  by: z.string().nullable(),
});
export type PanelZone = z.infer<typeof PanelZone>;

/**
 * The `error.code` of a refused command (`ok: false`) and what it means. A
 * receiver treats a code it does not know as `failed`, so a newer node may add
 * codes without breaking an older center.
 */
export const COMMAND_ERROR_CODES = {
  expired: 'The command arrived after its `expiresAt`; it was not acted on.',
  wrong_target: 'The command reached a node other than its `target`.',
  unknown_target: 'No center on the way knows a route to the `target`.',
  unknown_command: 'The receiver does not know the command `name`.',
  invalid_command: 'The command is not valid JSON or does not match the command schema.',
  invalid_args: 'The `args` do not match the schema of the command.',
  unsupported_command: 'The receiver knows the command but does not handle it (e.g. `stream.start` sent to a center).',
  timeout: 'Added by the issuing center: no reply came before the command expired.',
  failed: 'The receiver tried and failed for a reason without a code of its own; `message` says why.',
  unknown_camera: 'No camera with that id at the branch.',
  no_stream: 'The camera has no RTSP URL for the requested profile.',
  video_disabled: 'The center runs without live video.',
  not_found: 'A center has no such camera, or no stream of that profile.',
  camera_offline: 'The branch is offline or its camera delivers no video.',
  link_full: 'The link to the branch has no room for the stream; `link` lists who uses it.',
  preempted:
    'The stream was cut a moment ago for more urgent video on the same link (alarm video before live viewing); `link` lists who uses it.',
  no_ptz: 'The camera cannot pan, tilt or zoom.',
  unsupported_action: 'The camera cannot do this PTZ action (e.g. no focus control).',
  ptz_unreachable: "The camera's PTZ service (ONVIF or the simulator) cannot be reached.",
  ptz_refused: "The camera's PTZ service answered with an error.",
  ptz_unknown_camera: "The camera's PTZ service does not know the camera.",
  ptz_failed: 'The PTZ request failed on the camera.',
  unknown_zone: 'The alarm panel has no such zone.',
  wrong_code: 'The arming code is wrong.',
  no_arm_code: 'The branch has no arming code configured, so zones cannot be armed or disarmed remotely.',
  audit_unavailable:
    'The center cannot write its audit trail now, so it hands out no video: every data read is recorded before it is served.',
} as const satisfies Record<string, string>;
export type CommandErrorCode = keyof typeof COMMAND_ERROR_CODES;

export const CommandReply = z.strictObject({
  correlationId: CorrelationId,
  from: NodeId,
  ok: z.boolean(),
  result: z.record(z.string(), z.unknown()).optional(),
  error: z
    .strictObject({
      /** One of `COMMAND_ERROR_CODES`; an unknown one is read as `failed`. */
      code: z.string().max(60),
      message: z.string().max(500),
      /** With `link_full` and `preempted`: who uses the link, so the officer far up the tree knows why. */
      link: LinkUsage.optional(),
    })
    .optional(),
});
export type CommandReply = z.infer<typeof CommandReply>;
