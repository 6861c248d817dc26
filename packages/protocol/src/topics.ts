import type { z } from 'zod';
import { Catalog } from './catalog.js';
import { NodeId } from './ids.js';
import { AlarmEventBatch, EventAck } from './alarm-workflow.js';
import { AuditAck, AuditBatch } from './audit.js';
import { Alarm, AlarmAck, Command, CommandReply, PatrolReport, StatesMessage, StatusMessage } from './messages.js';
import { RevokeMessage, TrustMessage } from './sso.js';

export const TOPIC_ROOT = 'bsm/v1';

/** Messages a node publishes to the center above it, under `bsm/v1/<nodeId>/up/<kind>`. */
export const UP_MESSAGES = {
  status: StatusMessage,
  states: StatesMessage,
  catalog: Catalog,
  alarm: Alarm,
  patrol: PatrolReport,
  reply: CommandReply,
  /** Handling events of alarms, from a child center (an officer's action, an escalation, a restore). */
  event: AlarmEventBatch,
  /** A child center's receipt of the parent's `down/event` batches. */
  'event-ack': EventAck,
  /** Entries of an audit chain, from a child center: its own, or a copy it holds of a center below it. */
  audit: AuditBatch,
} as const;

/** Messages a center publishes to one node below it, under `bsm/v1/<nodeId>/down/<kind>`. */
export const DOWN_MESSAGES = {
  command: Command,
  ack: AlarmAck,
  /** Handling events of alarms that passed through the child, done at or above the parent. */
  event: AlarmEventBatch,
  /** Child centers only: the signing keys of the centers above, for single sign-on. */
  trust: TrustMessage,
  /** Child centers only: sessions ended above; the sessions their tickets opened end too. */
  revoke: RevokeMessage,
  /** The parent stored a child's `up/audit` entries of one chain up to a `seq`. */
  'audit-ack': AuditAck,
} as const;

export type UpKind = keyof typeof UP_MESSAGES;
export type DownKind = keyof typeof DOWN_MESSAGES;
export type UpMessage<K extends UpKind> = z.infer<(typeof UP_MESSAGES)[K]>;
export type DownMessage<K extends DownKind> = z.infer<(typeof DOWN_MESSAGES)[K]>;

/** QoS and retain flag of each kind: alarms and replies must arrive; status is retained for late subscribers. */
export const UP_DELIVERY: Record<UpKind, { qos: 0 | 1; retain: boolean }> = {
  status: { qos: 1, retain: true },
  states: { qos: 1, retain: false },
  catalog: { qos: 1, retain: false },
  alarm: { qos: 1, retain: false },
  patrol: { qos: 0, retain: false },
  reply: { qos: 1, retain: false },
  event: { qos: 1, retain: false },
  'event-ack': { qos: 1, retain: false },
  audit: { qos: 1, retain: false },
};
export const DOWN_DELIVERY: Record<DownKind, { qos: 0 | 1; retain: boolean }> = {
  command: { qos: 1, retain: false },
  ack: { qos: 1, retain: false },
  event: { qos: 1, retain: false },
  trust: { qos: 1, retain: false },
  revoke: { qos: 1, retain: false },
  'audit-ack': { qos: 1, retain: false },
};

export const upTopic = (nodeId: string, kind: UpKind): string => `${TOPIC_ROOT}/${nodeId}/up/${kind}`;
export const downTopic = (nodeId: string, kind: DownKind): string => `${TOPIC_ROOT}/${nodeId}/down/${kind}`;

/** What a center subscribes to on its own broker: everything every node below it sends up. */
export const ALL_UP = `${TOPIC_ROOT}/+/up/+`;
/** What a node subscribes to on its parent's broker. */
export const downFilter = (nodeId: string): string => `${TOPIC_ROOT}/${nodeId}/down/+`;

export type ParsedTopic =
  { direction: 'up'; nodeId: string; kind: UpKind } | { direction: 'down'; nodeId: string; kind: DownKind };

/** Splits a topic into its parts, or returns null for anything that is not one of ours. */
export function parseTopic(topic: string): ParsedTopic | null {
  const parts = topic.split('/');
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) {
    return null;
  }
  const [, , nodeId = '', direction, kind = ''] = parts;
  if (!NodeId.safeParse(nodeId).success) {
    return null;
  }
  if (direction === 'up' && Object.hasOwn(UP_MESSAGES, kind)) {
    return { direction, nodeId, kind: kind as UpKind };
  }
  if (direction === 'down' && Object.hasOwn(DOWN_MESSAGES, kind)) {
    return { direction, nodeId, kind: kind as DownKind };
  }
  return null;
}
