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
});
export type Alarm = z.infer<typeof Alarm>;

/** Sent down after the receiver has stored the alarms; only then may the sender drop them from its outbox. */
export const AlarmAck = z.strictObject({
  ids: z.array(AlarmId).max(1_000).default([]),
  /** Alarms the receiver will never take (the reason says why); the sender drops them too and logs it. */
  refused: z
    .array(z.strictObject({ id: AlarmId, reason: z.string().max(200) }))
    .max(1_000)
    .default([]),
});
export type AlarmAck = z.infer<typeof AlarmAck>;

export const StreamProfileName = z.enum(['main', 'sub']);
export type StreamProfileName = z.infer<typeof StreamProfileName>;

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
    purpose: z.enum(['alarm', 'live', 'playback', 'bulk']).default('live'),
    /** Who watches at the parent, e.g. "fj-op@fj", shown to officers whose request the link refuses. */
    heldBy: z.string().min(1).max(120),
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

export const CommandReply = z.strictObject({
  correlationId: CorrelationId,
  from: NodeId,
  ok: z.boolean(),
  result: z.record(z.string(), z.unknown()).optional(),
  error: z.strictObject({ code: z.string().max(60), message: z.string().max(500) }).optional(),
});
export type CommandReply = z.infer<typeof CommandReply>;
