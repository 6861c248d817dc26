import { z } from 'zod';
import { EntityId, NodeId, Timestamp } from './ids.js';
import { AlarmType, DeviceKind, Importance, NodeKind, NodeStateName, Tier } from './vocabulary.js';

const Name = z.string().trim().min(1).max(120);
const Latitude = z.number().min(-90).max(90);
const Longitude = z.number().min(-180).max(180);

/** A center or a branch, as it appears in a catalog and on the map. */
export const NodeEntry = z.strictObject({
  id: NodeId,
  /** The node one level up; a publisher sends `null` for itself and the receiver fills in its own id. */
  parentId: NodeId.nullable(),
  kind: NodeKind,
  /** Centers only: 1 provincial, 2 city, 3 county. */
  tier: Tier.optional(),
  name: Name,
  lat: Latitude,
  lon: Longitude,
  address: z.string().max(200).optional(),
  importance: Importance,
  /** Centers only: where officers open this center's console (single sign-on from the centers above). */
  consoleUrl: z
    .url({ protocol: /^https?$/ })
    .max(300)
    .optional(),
});
export type NodeEntry = z.infer<typeof NodeEntry>;

export const DeviceEntry = z.strictObject({
  id: EntityId,
  nodeId: NodeId,
  kind: DeviceKind,
  name: Name,
  vendor: z.string().max(60).optional(),
  model: z.string().max(60).optional(),
});
export type DeviceEntry = z.infer<typeof DeviceEntry>;

export const StreamProfile = z.strictObject({
  profile: z.enum(['main', 'sub']),
  codec: z.literal('h264'),
  width: z.number().int().positive().max(7680),
  height: z.number().int().positive().max(4320),
  fps: z.number().positive().max(120),
  kbps: z.number().int().positive().max(100_000),
});
export type StreamProfile = z.infer<typeof StreamProfile>;

export const CameraEntry = z.strictObject({
  id: EntityId,
  nodeId: NodeId,
  deviceId: EntityId.optional(),
  name: Name,
  ptz: z.boolean(),
  /** Important positions (vault, cash counter) keep recordings 60 days instead of 30. */
  important: z.boolean(),
  streams: z.array(StreamProfile).max(4),
});
export type CameraEntry = z.infer<typeof CameraEntry>;

export const AlarmInputEntry = z.strictObject({
  id: EntityId,
  nodeId: NodeId,
  deviceId: EntityId.optional(),
  name: Name,
  zone: z.string().min(1).max(40),
  type: AlarmType,
  linkedCameras: z.array(EntityId).max(16),
});
export type AlarmInputEntry = z.infer<typeof AlarmInputEntry>;

/** Online state of one node, as known by the center that reports it. */
export const NodeState = z.strictObject({
  nodeId: NodeId,
  state: NodeStateName,
  since: Timestamp,
  reason: z.string().max(200).optional(),
});
export type NodeState = z.infer<typeof NodeState>;

const Removed = z.strictObject({
  nodes: z.array(NodeId).default([]),
  devices: z.array(EntityId).default([]),
  cameras: z.array(EntityId).default([]),
  alarmInputs: z.array(EntityId).default([]),
});

/**
 * What a node has: itself and everything below it. A `full` catalog replaces
 * all that the receiver knew from this publisher; a `delta` applies on top of
 * `baseRevision` and is refused (the receiver asks for a full one) when the
 * receiver holds another revision.
 */
export const Catalog = z
  .strictObject({
    publisher: NodeId,
    mode: z.enum(['full', 'delta']),
    revision: z.number().int().nonnegative(),
    baseRevision: z.number().int().nonnegative().optional(),
    at: Timestamp,
    nodes: z.array(NodeEntry).max(20_000),
    devices: z.array(DeviceEntry).max(100_000),
    cameras: z.array(CameraEntry).max(100_000),
    alarmInputs: z.array(AlarmInputEntry).max(100_000),
    removed: Removed.optional(),
    /** Online state of the nodes listed, so a parent starts from the truth. */
    states: z.array(NodeState).max(20_000).default([]),
  })
  .refine((c) => c.mode === 'full' || c.baseRevision !== undefined, {
    message: 'a delta catalog needs baseRevision',
    path: ['baseRevision'],
  })
  .refine((c) => c.mode === 'delta' || c.removed === undefined, {
    message: 'only a delta catalog may list removals',
    path: ['removed'],
  });
export type Catalog = z.infer<typeof Catalog>;
