import { ulid } from 'ulid';
import { z } from 'zod';

/**
 * A node is a center or a branch. Its id appears in MQTT topics, so it may
 * hold only characters that are safe there (no `/`, `+`, `#`) and is short
 * enough to keep topics readable.
 */
export const NodeId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'node id: 1–48 of a-z, 0-9, "-", starting with a letter or digit');
export type NodeId = z.infer<typeof NodeId>;

/** Devices, cameras and alarm inputs: `<nodeId>.<local>` by convention, unique in the whole network. */
export const EntityId = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,95}$/, 'entity id: 1–96 of a-z, 0-9, ".", "_", "-"');
export type EntityId = z.infer<typeof EntityId>;

/** Alarm ids are ULIDs made at the source, so they sort by creation time and never collide across branches. */
export const AlarmId = z.ulid();
export type AlarmId = z.infer<typeof AlarmId>;

export const CorrelationId = z.ulid();

export const newAlarmId = (): string => ulid();
export const newCorrelationId = (): string => ulid();

/** ISO-8601 timestamp with an offset (`Z` or `+08:00`). */
export const Timestamp = z.iso.datetime({ offset: true });
